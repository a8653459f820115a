namespace TerraFlow.Adapters.Vcs;

/// <summary>
/// Which clone URLs a run may use. A clone URL comes from a webhook body, so it is untrusted: a runner must never send
/// the provider's token to a host other than that provider's own. Allowed: an http(s) URL with exactly the scheme,
/// host and port of the provider's configured web root (<see cref="VcsCloneRules.WebRoot"/> of its host module), below
/// that root's path, with no user name, password, query or fragment. Where the host says so
/// (<see cref="VcsCloneRules.UrlNamesProject"/>, GitLab) the URL must also name the event's own project
/// (<c>/group/project.git</c>): per-project webhook secrets would otherwise let the holder of project A's secret make
/// TerraFlow clone project B with TerraFlow's token. Local paths and <c>file://</c> are refused unless
/// <see cref="CloneUrlOptions.AllowLocalPaths"/> (development and tests; such clones never get a token).
/// Checked where a run is started (so the run fails with this reason) and again by the runner just before cloning.
/// </summary>
public sealed class CloneUrlPolicy : TerraFlow.Application.Ports.ICloneUrlGuard
{
    private readonly Dictionary<string, Uri> _webRoots = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _urlNamesProject = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="webRoots">Provider name → web root URL of the configured host.</param>
    /// <param name="urlNamesProject">Providers whose clone URLs must be the event's own repository.</param>
    public CloneUrlPolicy(IEnumerable<KeyValuePair<string, string>> webRoots, bool allowLocalPaths, IEnumerable<string>? urlNamesProject = null)
    {
        foreach (var provider in urlNamesProject ?? []) _urlNamesProject.Add(provider);
        ArgumentNullException.ThrowIfNull(webRoots);
        foreach (var (provider, root) in webRoots)
        {
            if (!Uri.TryCreate(root, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                throw new ArgumentException($"The web URL '{root}' of provider '{provider}' is not an absolute http(s) URL.", nameof(webRoots));
            _webRoots[provider] = uri;
        }
        AllowLocalPaths = allowLocalPaths;
    }

    public bool AllowLocalPaths { get; }

    /// <summary>The web roots and rules of the registered hosts (those with a configured <see cref="VcsCloneRules.WebRoot"/>).</summary>
    public static CloneUrlPolicy ForHosts(VcsHosts hosts, bool allowLocalPaths)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        var configured = hosts.All.Where(h => h.Cloning.WebRoot is not null).ToList();
        return new CloneUrlPolicy(configured.Select(h => KeyValuePair.Create(h.Provider, h.Cloning.WebRoot!)), allowLocalPaths,
            configured.Where(h => h.Cloning.UrlNamesProject).Select(h => h.Provider));
    }

    /// <summary>True for a local path or <c>file://</c> URL (git clones those without any network or token).</summary>
    public static bool IsLocal(string cloneUrl) =>
        cloneUrl.StartsWith('/') || cloneUrl.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
        || (cloneUrl.Length >= 3 && char.IsAsciiLetter(cloneUrl[0]) && cloneUrl[1] == ':' && cloneUrl[2] is '\\' or '/');

    /// <summary>Null when <paramref name="cloneUrl"/> may be cloned for a run of <paramref name="repoOwner"/>/<paramref name="repoName"/>; otherwise why not (safe to show: no credentials).</summary>
    public string? Refusal(string? provider, string? cloneUrl, string repoOwner, string repoName)
    {
        if (string.IsNullOrWhiteSpace(provider)) return "the event names no VCS provider.";
        var name = provider;
        if (string.IsNullOrWhiteSpace(cloneUrl)) return "the event names no clone URL.";
        if (IsLocal(cloneUrl))
            return AllowLocalPaths ? null
                : $"clone URL '{Shown(cloneUrl)}' is a local path; TerraFlow clones only from the configured {name} host (local paths need TerraFlow__CloneUrls__AllowLocalPaths, for development).";
        if (!_webRoots.TryGetValue(name, out var root))
            return $"clone URL '{Shown(cloneUrl)}' refused: no {name} host is configured on this TerraFlow.";
        if (!Uri.TryCreate(cloneUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            return $"clone URL '{Shown(cloneUrl)}' refused: only http(s) URLs on {Origin(root)} are cloned.";
        if (url.UserInfo.Length > 0 || url.Query.Length > 0 || url.Fragment.Length > 0)
            return $"clone URL on {Origin(url)} refused: it carries a user name, query or fragment.";
        if (!string.Equals(url.Scheme, root.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(url.IdnHost, root.IdnHost, StringComparison.OrdinalIgnoreCase)
            || url.Port != root.Port)
            return $"clone URL '{Shown(cloneUrl)}' refused: it is not on the configured {name} host {Origin(root)}, so it gets no token and is not cloned.";

        var rootPath = root.AbsolutePath.TrimEnd('/') + "/";
        var path = Uri.UnescapeDataString(url.AbsolutePath);
        if (!path.StartsWith(rootPath, StringComparison.OrdinalIgnoreCase) || path.Contains("/../", StringComparison.Ordinal) || path.Contains("/./", StringComparison.Ordinal))
            return $"clone URL '{Shown(cloneUrl)}' refused: it is not below {Origin(root)}{root.AbsolutePath.TrimEnd('/')}/.";
        if (_urlNamesProject.Contains(name))
        {
            var repoPath = path[rootPath.Length..];
            if (repoPath.EndsWith(".git", StringComparison.OrdinalIgnoreCase)) repoPath = repoPath[..^4];
            if (!string.Equals(repoPath.Trim('/'), $"{repoOwner}/{repoName}", StringComparison.OrdinalIgnoreCase))
                return $"clone URL '{Shown(cloneUrl)}' refused: it is not the URL of project {repoOwner}/{repoName}, whose event this is.";
        }
        return null;
    }

    private static string Origin(Uri uri) => $"{uri.Scheme}://{uri.Authority}";

    /// <summary>The URL as it may appear in a comment: never its user info, at most 200 characters.</summary>
    private static string Shown(string cloneUrl)
    {
        var text = Uri.TryCreate(cloneUrl, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}"
            : cloneUrl;
        text = new string(text.Where(c => !char.IsControl(c) && c != '`').ToArray());
        return text.Length <= 200 ? text : text[..200] + "…";
    }
}

/// <summary>Bound from <c>TerraFlow:CloneUrls</c>.</summary>
public sealed class CloneUrlOptions
{
    public const string SectionName = "TerraFlow:CloneUrls";

    /// <summary>Allow clone URLs that are local paths or <c>file://</c> (development, tests); off in production.</summary>
    public bool AllowLocalPaths { get; set; }
}
