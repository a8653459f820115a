namespace TerraFlow.TerraformStandIn.Commands;

/// <summary>
/// <c>terraform workspace show|list|select [-or-create] NAME|new NAME|delete NAME</c>. Like the real local
/// backend, non-default workspaces are folders under <c>terraform.tfstate.d/</c> and the selection lives in
/// <c>.terraform/environment</c>; TF_WORKSPACE overrides the selection.
/// </summary>
internal static class WorkspaceCommand
{
    private const string OverriddenError =
        "The selected workspace is currently overridden using the TF_WORKSPACE\n"
        + "environment variable.\n\n"
        + "To select a new workspace, either update this environment variable or unset\n"
        + "it and then run this command again.\n";

    public static int Run(StandInContext context, IReadOnlyList<string> args)
    {
        var sub = args.Count > 0 ? args[0] : null;
        var rest = args.Skip(1).Where(a => !a.StartsWith('-')).ToList();
        var orCreate = args.Skip(1).Any(a => a is "-or-create" or "-or-create=true" or "--or-create");
        switch (sub)
        {
            case "show":
                context.Out.Write(context.Workspace + "\n");
                return 0;
            case "list":
                foreach (var name in Existing(context))
                {
                    context.Out.Write((name == context.Workspace ? "* " : "  ") + name + "\n");
                }

                context.Out.Write("\n");
                return 0;
            case "select" when rest.Count == 1:
                return Select(context, rest[0], orCreate);
            case "new" when rest.Count == 1:
                return New(context, rest[0]);
            case "delete" when rest.Count == 1:
                return Delete(context, rest[0]);
            default:
                context.Err.Write("Usage: terraform [global options] workspace <show|list|select|new|delete> [NAME]\n");
                return 1;
        }
    }

    private static int Select(StandInContext context, string name, bool orCreate)
    {
        if (context.WorkspaceOverriddenByEnvironment && context.Workspace != name)
        {
            context.Err.Write(OverriddenError);
            return 1;
        }

        if (!Existing(context).Contains(name))
        {
            if (!orCreate)
            {
                context.Err.Write($"\nWorkspace \"{name}\" doesn't exist.\n\n"
                                  + "You can create this workspace with the \"new\" subcommand\n"
                                  + "or include the \"-or-create\" flag with the \"select\" subcommand.\n");
                return 1;
            }

            return New(context, name);
        }

        SaveSelection(context, name);
        context.Out.Write($"Switched to workspace \"{name}\".\n");
        return 0;
    }

    private static int New(StandInContext context, string name)
    {
        if (context.WorkspaceOverriddenByEnvironment && context.Workspace != name)
        {
            context.Err.Write(OverriddenError);
            return 1;
        }

        if (Existing(context).Contains(name))
        {
            context.Err.Write($"\nWorkspace \"{name}\" already exists\n");
            return 1;
        }

        Directory.CreateDirectory(StateDirectory(context, name));
        SaveSelection(context, name);
        context.Out.Write($"Created and switched to workspace \"{name}\"!\n\n"
                          + "You're now on a new, empty workspace. Workspaces isolate their state,\n"
                          + "so if you run \"terraform plan\" Terraform will not see any existing state\n"
                          + "for this configuration.\n");
        return 0;
    }

    private static int Delete(StandInContext context, string name)
    {
        if (name == StandInContext.DefaultWorkspace || name == context.Workspace || !Existing(context).Contains(name))
        {
            context.Err.Write($"Workspace \"{name}\" can't be deleted (it is the default, the current one, or does not exist).\n");
            return 1;
        }

        Directory.Delete(StateDirectory(context, name), recursive: true);
        context.Out.Write($"Deleted workspace \"{name}\"!\n");
        return 0;
    }

    private static List<string> Existing(StandInContext context)
    {
        var root = Path.Combine(context.WorkingDirectory, "terraform.tfstate.d");
        var names = Directory.Exists(root)
            ? Directory.EnumerateDirectories(root).Select(Path.GetFileName).OfType<string>().ToList()
            : [];
        names.Sort(StringComparer.Ordinal);
        names.Insert(0, StandInContext.DefaultWorkspace);
        return names;
    }

    private static string StateDirectory(StandInContext context, string name)
        => Path.Combine(context.WorkingDirectory, "terraform.tfstate.d", name);

    private static void SaveSelection(StandInContext context, string name)
    {
        Directory.CreateDirectory(context.DataDirectory);
        File.WriteAllText(context.EnvironmentFilePath, name);
    }
}
