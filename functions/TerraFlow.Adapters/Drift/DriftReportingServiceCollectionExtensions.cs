using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Adapters.GitLab;
using TerraFlow.Adapters.Postgres.Hosting;
using TerraFlow.Application.Drift;

namespace TerraFlow.Adapters.Drift;

public static class DriftReportingServiceCollectionExtensions
{
    /// <summary>
    /// The drift reporters, found by the drift outbox handler as <c>IEnumerable&lt;IDriftReporter&gt;</c>: the VCS issue
    /// of each drifted project (GitHub always, GitLab when a token is configured; other hosts get the webhook only)
    /// and the outbound webhook when <c>TerraFlow:Drift:WebhookUrl</c> is set. Content-creating VCS requests are paced
    /// by one <see cref="ContentRequestLimiter"/> (<c>TerraFlow:Drift:RateLimit:PerMinute</c> / <c>PerHour</c>).
    /// Call after AddGitHub and AddGitLab.
    /// </summary>
    public static IServiceCollection AddDriftReporting(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var limits = configuration.GetSection("TerraFlow:Drift:RateLimit").Get<ContentRateLimitOptions>() ?? new ContentRateLimitOptions();
        var webhook = configuration.GetSection(DriftWebhookOptions.SectionName).Get<DriftWebhookOptions>() ?? new DriftWebhookOptions();
        services.AddSingleton(limits);
        services.AddSingleton(sp => new ContentRequestLimiter(limits, Time(sp)));
        services.AddPostgresDriftIssueStore();

        services.AddSingleton<IDriftIssueTracker>(sp => new GitHubDriftIssues(
            sp.GetRequiredService<GitHub.Api.GitHubApi>(), sp.GetRequiredService<GitHubAppTokenProvider>(),
            sp.GetRequiredService<ContentRequestLimiter>(), Time(sp)));
        var gitLab = configuration.GetSection(GitLabOptions.SectionName).Get<GitLabOptions>() ?? new GitLabOptions();
        if (gitLab.ClientConfigured)
            services.AddSingleton<IDriftIssueTracker>(sp => new GitLabDriftIssues(
                sp.GetRequiredKeyedService<HttpClient>(GitLabHost.Provider), sp.GetRequiredService<GitLabOptions>(),
                sp.GetRequiredService<GitLabClient>(), sp.GetRequiredService<ContentRequestLimiter>(), Time(sp)));

        services.AddSingleton<IDriftReporter>(sp => new DriftIssueReporter(
            sp.GetServices<IDriftIssueTracker>(), sp.GetRequiredService<IDriftIssueStore>(), Time(sp),
            sp.GetRequiredService<ILogger<DriftIssueReporter>>()));
        if (webhook.Enabled)
        {
            services.AddSingleton(webhook);
            // Redirects are not followed: the signed body goes only to the configured address.
            services.AddKeyedSingleton("drift-webhook", (_, _) => new HttpClient(new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AllowAutoRedirect = false,
            }));
            services.AddSingleton<IDriftReporter>(sp => new DriftWebhookReporter(
                sp.GetRequiredKeyedService<HttpClient>("drift-webhook"), webhook, sp.GetRequiredService<ILogger<DriftWebhookReporter>>()));
        }
        return services;
    }

    private static TimeProvider Time(IServiceProvider sp) => sp.GetService<TimeProvider>() ?? TimeProvider.System;
}
