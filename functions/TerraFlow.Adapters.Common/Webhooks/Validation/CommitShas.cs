namespace TerraFlow.Adapters.Webhooks.Validation;

/// <summary>A commit id as git writes it: 40 (SHA-1) or 64 (SHA-256) lowercase hexadecimal characters.</summary>
public static class CommitShas
{
    public static string? Problem(string value)
    {
        if (value.Length is not (40 or 64)) return "is not a commit SHA (40 or 64 hexadecimal characters)";
        foreach (var c in value)
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)) return "is not a commit SHA (lowercase hexadecimal)";
        return null;
    }
}
