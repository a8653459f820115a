using System.Text.Json;

namespace TerraFlow.Core.Plans;

/// <summary>Maps a <c>change.actions</c> array (e.g. <c>["delete","create"]</c>) to a <see cref="ChangeAction"/>.</summary>
internal static class ChangeActionReader
{
    private enum Verb { Other, NoOp, Create, Read, Update, Delete, Forget }

    /// <summary>Reads the array the reader is on (StartArray) up to and including its EndArray.</summary>
    /// <param name="where">Names the entry in error messages.</param>
    public static ChangeAction Read(ref Utf8JsonReader reader, EntryLocation where)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new PlanFormatException($"{where}: \"actions\" must be an array of strings.");
        }
        Span<Verb> verbs = stackalloc Verb[2];
        int count = 0;
        List<string>? seen = null; // only for the error message, so only filled when something is unexpected
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new PlanFormatException($"{where}: \"actions\" must be an array of strings.");
            }
            var verb = ToVerb(ref reader);
            if (count < verbs.Length && verb != Verb.Other)
            {
                verbs[count] = verb;
            }
            else
            {
                seen ??= [];
                seen.Add(reader.GetString()!);
            }
            count++;
        }

        ChangeAction? action = seen is not null ? null : (count, verbs[0], verbs[1]) switch
        {
            (1, Verb.NoOp, _) => ChangeAction.NoOp,
            (1, Verb.Create, _) => ChangeAction.Create,
            (1, Verb.Read, _) => ChangeAction.Read,
            (1, Verb.Update, _) => ChangeAction.Update,
            (1, Verb.Delete, _) => ChangeAction.Delete,
            (1, Verb.Forget, _) => ChangeAction.Forget,
            (2, Verb.Delete, Verb.Create) => ChangeAction.DeleteThenCreate,
            (2, Verb.Create, Verb.Delete) => ChangeAction.CreateThenDelete,
            (2, Verb.Create, Verb.Forget) => ChangeAction.CreateThenForget,
            (2, Verb.Forget, Verb.Create) => ChangeAction.ForgetThenCreate,
            _ => null,
        };
        if (action is null)
        {
            var names = new List<string>();
            for (int i = 0; i < Math.Min(count, verbs.Length); i++)
            {
                if (verbs[i] != Verb.Other)
                {
                    names.Add(Name(verbs[i]));
                }
            }
            names.AddRange(seen ?? []);
            throw new PlanFormatException(
                $"{where}: unsupported actions [{string.Join(",", names.Select(n => "\"" + n + "\""))}].");
        }
        return action.Value;
    }

    private static Verb ToVerb(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("no-op"u8)) return Verb.NoOp;
        if (reader.ValueTextEquals("create"u8)) return Verb.Create;
        if (reader.ValueTextEquals("read"u8)) return Verb.Read;
        if (reader.ValueTextEquals("update"u8)) return Verb.Update;
        if (reader.ValueTextEquals("delete"u8)) return Verb.Delete;
        if (reader.ValueTextEquals("forget"u8)) return Verb.Forget;
        return Verb.Other;
    }

    private static string Name(Verb verb) => verb switch
    {
        Verb.NoOp => "no-op",
        _ => verb.ToString().ToLowerInvariant(),
    };
}
