using System.Text;
using TerraFlow.Adapters.Azure.ServiceBus;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Projects;

namespace TerraFlow.Adapters.Tests.Jobs;

/// <summary>Both job transports and the stored jsonb speak Core's one job wire format.</summary>
public sealed class JobWireTests
{
    private static readonly JobSpec Spec = new(JobKinds.Plan, 12, "acme", "infra", 42, "https://github.com/acme/infra.git", "h", "b",
        new ProjectDefinition("net", "network", "default", ["*.tf"], [], true), "op")
    { PullRequestNumber = 3, Provider = "gitlab", Untrusted = true };

    [Fact]
    public void A_service_bus_job_body_is_the_wire_format_and_reads_back_whole()
    {
        var body = JobMessages.Job(7, Spec).Body;

        Assert.Equal(JobWire.Write(new JobMessage(7, Spec)), Encoding.UTF8.GetString(body.ToArray()));
        var read = JobMessages.TryReadJob(body);
        Assert.Equal(7, read!.JobId);
        Assert.Equal(JobWire.Write(Spec), JobWire.Write(read.Spec));
        Assert.Equal("gitlab", read.Spec.Provider);
        Assert.True(read.Spec.Untrusted);
    }

    [Fact]
    public void The_postgres_store_writes_jobs_in_the_same_format()
    {
        Assert.Equal(JobWire.Write(Spec), StoreJson.Serialize(Spec));
        var result = new JobResult(7, 12, JobKinds.Discover, new DiscoveryOutcome(true, null, null, [], ["net"]), null);
        Assert.Equal(JobWire.Write(result), Encoding.UTF8.GetString(JobMessages.Result(result, 1).Body.ToArray()));
    }

    [Fact]
    public void A_body_that_is_not_a_job_is_null_not_a_crash()
    {
        Assert.Null(JobMessages.TryReadJob(new BinaryData(Encoding.UTF8.GetBytes("{not json"))));
        Assert.Null(JobWire.TryRead<JobResult>(Encoding.UTF8.GetBytes("null")));
    }

    [Fact]
    public void A_result_the_engine_could_not_take_is_named()
    {
        Assert.Null(JobWire.ResultProblem(new JobResult(7, 12, JobKinds.Discover, new DiscoveryOutcome(true, null, null, [], []), null)));
        Assert.Equal("a plan result needs 'plan'", JobWire.ResultProblem(new JobResult(7, 12, JobKinds.Plan, null, null)));
        Assert.Equal("unknown job kind 'deploy'", JobWire.ResultProblem(new JobResult(7, 12, "deploy", null, null)));
        Assert.Null(JobWire.ResultProblem(new JobResult(7, 12, JobKinds.Apply, null, null) { Apply = new ApplyOutcome("net", true, false, "ok", null, null) }));
        Assert.Equal("an apply result needs 'apply'", JobWire.ResultProblem(new JobResult(7, 12, JobKinds.Apply, null, null)));
        Assert.Equal("runId must be positive", JobWire.ResultProblem(new JobResult(7, 0, JobKinds.Discover, null, null)));
    }
}
