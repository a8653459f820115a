using TerraFlow.Core.Plans;
using static TerraFlow.Core.Tests.Plans.PlanTestSupport;

namespace TerraFlow.Core.Tests.Plans;

/// <summary>Attribute diffs: paths, values, unknowns and, above all, that secrets never reach the summary.</summary>
public class PlanReaderDiffTests
{
    private const string Secret = "hunter2-TOP-SECRET";

    private static ResourceChange ReadOne(string actions, string change) =>
        Assert.Single(ReadText(Plan(Change(actions, change))).ResourceChanges);

    private static string[] Lines(ResourceChange change) =>
        change.Diffs.Select(d => $"{d.Path}: {d.Before ?? "<none>"} -> {d.After ?? "<none>"}").ToArray();

    [Fact]
    public void Update_lists_only_changed_attributes_with_dotted_and_indexed_paths()
    {
        var change = ReadOne("""["update"]""", """
            "before":{"ami":"ami-1","size":8,"tags":{"Name":"web","Env":"dev"},"ports":[80,443],"ebs":[{"size":10,"type":"gp2"}],"monitoring":false},
            "after": {"ami":"ami-1","size":16,"tags":{"Name":"web","Env":"prod"},"ports":[80,8443],"ebs":[{"size":10,"type":"gp3"}],"monitoring":true}
            """);

        Assert.Equal(
            ["ebs[0].type: \"gp2\" -> \"gp3\"", "monitoring: false -> true", "ports[1]: 443 -> 8443",
             "size: 8 -> 16", "tags.Env: \"dev\" -> \"prod\""],
            Lines(change));
        Assert.All(change.Diffs, d => Assert.False(d.Sensitive || d.KnownAfterApply));
    }

    [Fact]
    public void Added_and_removed_attributes_show_the_missing_side_as_null()
    {
        var change = ReadOne("""["update"]""", """
            "before":{"keep":"x","gone":"old","tags":{"a":"1"}},"after":{"keep":"x","new":"fresh","tags":{}}
            """);

        Assert.Equal(["gone: \"old\" -> <none>", "new: <none> -> \"fresh\"", "tags.a: \"1\" -> <none>"], Lines(change));
    }

    [Fact]
    public void Null_absent_and_empty_values_are_all_no_value()
    {
        var change = ReadOne("""["update"]""", """
            "before":{"a":null,"b":[],"c":{},"d":"same"},"after":{"b":null,"c":null,"d":"same","e":null,"f":[]}
            """);

        Assert.Empty(change.Diffs);
    }

    [Fact]
    public void Create_shows_every_set_attribute_and_delete_shows_what_goes()
    {
        var create = ReadOne("""["create"]""", """ "before":null,"after":{"name":"b","count":2,"unset":null}""");
        var delete = ReadOne("""["delete"]""", """ "before":{"name":"b"},"after":null""");

        Assert.Equal(["count: <none> -> 2", "name: <none> -> \"b\""], Lines(create));
        Assert.Equal(["name: \"b\" -> <none>"], Lines(delete));
    }

    [Fact]
    public void Map_keys_that_are_not_identifiers_are_quoted_in_brackets()
    {
        var change = ReadOne("""["create"]""", """
            "before":null,"after":{"tags":{"kubernetes.io/role":"node","say \"hi\"":"x","plain_key-1":"y"}}
            """);

        Assert.Equal(
            ["tags.plain_key-1", "tags[\"kubernetes.io/role\"]", "tags[\"say \\\"hi\\\"\"]"],
            change.Diffs.Select(d => d.Path));
    }

    [Fact]
    public void Values_only_known_after_apply_are_marked()
    {
        var change = ReadOne("""["update"]""", """
            "before":{"id":"i-1","arn":"arn:1","tags":{"a":"1"},"list":["x"],"nested":{"keep":1,"ip":"10.0.0.1"}},
            "after":{"tags":{"a":"1"},"nested":{"keep":1}},
            "after_unknown":{"arn":true,"list":true,"nested":{"ip":true},"private_dns":true,"tags":{}}
            """);

        Assert.Equal(
            ["arn: \"arn:1\" -> (known after apply)", "id: \"i-1\" -> <none>", "list: [\"x\"] -> (known after apply)",
             "nested.ip: \"10.0.0.1\" -> (known after apply)", "private_dns: <none> -> (known after apply)"],
            Lines(change));
        Assert.All(change.Diffs.Where(d => d.Path != "id"), d => Assert.True(d.KnownAfterApply));
        Assert.False(change.Diffs.Single(d => d.Path == "id").KnownAfterApply);
    }

    [Fact]
    public void Sensitive_attributes_are_masked_on_both_sides()
    {
        var change = ReadOne("""["update"]""", $$$"""
            "before":{"password":"old-{{{Secret}}}","user":"admin"},"after":{"password":"{{{Secret}}}","user":"root"},
            "before_sensitive":{"password":true},"after_sensitive":{"password":true}
            """);

        var password = change.Diffs.Single(d => d.Path == "password");
        Assert.Equal(("(sensitive value)", "(sensitive value)", true), (password.Before, password.After, password.Sensitive));
        Assert.Equal("\"root\"", change.Diffs.Single(d => d.Path == "user").After);
        AssertNoSecret(change);
    }

    [Fact]
    public void A_value_that_becomes_sensitive_masks_the_old_value_too()
    {
        var change = ReadOne("""["update"]""", $$$"""
            "before":{"token":"{{{Secret}}}-v1"},"after":{"token":"{{{Secret}}}-v2"},"before_sensitive":{},"after_sensitive":{"token":true}
            """);

        Assert.Equal(["token: (sensitive value) -> (sensitive value)"], Lines(change));
        AssertNoSecret(change);
    }

    [Fact]
    public void Unchanged_sensitive_values_do_not_show_at_all()
    {
        var change = ReadOne("""["update"]""", $$$"""
            "before":{"key":"{{{Secret}}}","n":1},"after":{"key":"{{{Secret}}}","n":2},
            "before_sensitive":{"key":true},"after_sensitive":{"key":true}
            """);

        Assert.Equal(["n: 1 -> 2"], Lines(change));
    }

    [Fact]
    public void Sensitive_maps_and_lists_are_masked_whole_so_their_keys_stay_hidden_too()
    {
        var change = ReadOne("""["create"]""", $$$"""
            "before":null,
            "after":{"env":{"{{{Secret}}}_KEY":"{{{Secret}}}"},"args":["--x","{{{Secret}}}"],"blocks":[{"pw":"{{{Secret}}}","n":1}]},
            "after_sensitive":{"env":true,"args":[false,true],"blocks":[{"pw":true}]}
            """);

        Assert.Equal(
            ["args[0]: <none> -> \"--x\"", "args[1]: <none> -> (sensitive value)", "blocks[0].n: <none> -> 1",
             "blocks[0].pw: <none> -> (sensitive value)", "env: <none> -> (sensitive value)"],
            Lines(change));
        AssertNoSecret(change);
    }

    [Fact]
    public void A_whole_sensitive_object_is_one_masked_entry()
    {
        var change = ReadOne("""["update"]""", $$$"""
            "before":{"a":"{{{Secret}}}"},"after":{"a":"{{{Secret}}}x"},"before_sensitive":true,"after_sensitive":true
            """);

        var diff = Assert.Single(change.Diffs);
        Assert.True(diff.Sensitive);
        AssertNoSecret(change);
    }

    [Fact]
    public void An_unknown_value_whose_old_value_held_secrets_stays_masked()
    {
        // `config` is unknown after apply, so its old value is shown whole, but a part of it was sensitive.
        var change = ReadOne("""["update"]""", $$$"""
            "before":{"config":{"host":"db","password":"{{{Secret}}}"}},"after":{},
            "after_unknown":{"config":true},"before_sensitive":{"config":{"password":true}},"after_sensitive":{}
            """);

        var diff = Assert.Single(change.Diffs);
        Assert.Equal(("config", "(sensitive value)", "(known after apply)", true, true),
            (diff.Path, diff.Before, diff.After, diff.Sensitive, diff.KnownAfterApply));
        AssertNoSecret(change);
    }

    [Fact]
    public void An_unknown_part_inside_a_sensitive_value_reports_the_sensitive_value_only()
    {
        var change = ReadOne("""["update"]""", $$$"""
            "before":{"conn":{"{{{Secret}}}":"a"}},"after":{"conn":{"{{{Secret}}}":"a"}},
            "after_unknown":{"conn":{"{{{Secret}}}-later":true}},
            "before_sensitive":{"conn":true},"after_sensitive":{"conn":true}
            """);

        var diff = Assert.Single(change.Diffs);
        Assert.Equal(("conn", true, true), (diff.Path, diff.Sensitive, diff.KnownAfterApply));
        AssertNoSecret(change);
    }

    [Fact]
    public void Long_values_are_cut_to_200_characters_with_an_ellipsis()
    {
        string longText = new('x', 5000);
        var change = ReadOne("""["create"]""", $$$""" "before":null,"after":{"policy":"{{{longText}}}","short":"ok"}""");

        var policy = change.Diffs.Single(d => d.Path == "policy").After!;
        Assert.Equal(200, policy.Length);
        Assert.StartsWith("\"xxx", policy, StringComparison.Ordinal);
        Assert.EndsWith("…", policy, StringComparison.Ordinal);
        Assert.Equal("\"ok\"", change.Diffs.Single(d => d.Path == "short").After);
    }

    [Fact]
    public void Strings_are_shown_unescaped_where_json_escaping_only_hurts_reading()
    {
        var change = ReadOne("""["create"]""", """
            "before":null,"after":{"html":"\u003cb\u003e \u0026 caf\u00e9","multi":"a\nb","quote":"say \"x\""}
            """);

        Assert.Equal(
            ["html: <none> -> \"<b> & café\"", "multi: <none> -> \"a\\nb\"", "quote: <none> -> \"say \\\"x\\\"\""],
            Lines(change));
    }

    [Fact]
    public void No_op_entries_carry_no_diffs()
    {
        var change = ReadOne("""["no-op"]""", """ "before":{"a":1},"after":{"a":2}""");

        Assert.Empty(change.Diffs);
    }

    [Fact]
    public void The_keys_of_change_may_come_in_any_order()
    {
        var change = ReadOne("""["update"]""", $$$"""
            "after_sensitive":{"pw":true},"after":{"pw":"{{{Secret}}}","n":2},"before_sensitive":{"pw":true},"before":{"pw":"x","n":1}
            """);

        Assert.Equal(["n: 1 -> 2", "pw: (sensitive value) -> (sensitive value)"], Lines(change));
        AssertNoSecret(change);
    }

    [Fact]
    public void Before_and_after_are_matched_by_path_not_by_position()
    {
        var change = ReadOne("""["update"]""", """
            "before":{"z":1,"a":2,"list":[0,1,2,3,4,5,6,7,8,9,10,11]},
            "after":{"a":2,"list":[0,1,2,3,4,5,6,7,8,9,10,12],"z":1}
            """);

        Assert.Equal(["list[11]: 11 -> 12"], Lines(change));
    }

    [Fact]
    public void Non_ascii_and_escaped_keys_are_read_correctly()
    {
        var change = ReadOne("""["create"]""", """ "before":null,"after":{"tags":{"café":"x","na\u006de":"y"}}""");

        Assert.Equal(["tags.name", "tags[\"café\"]"], change.Diffs.Select(d => d.Path));
    }

    private static void AssertNoSecret(ResourceChange change)
    {
        var text = string.Join("\n", change.Diffs.Select(d => $"{d.Path}={d.Before}={d.After}"));
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
    }
}
