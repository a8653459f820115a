using System.Text.Json;
using BenchmarkDotNet.Attributes;
using TerraFlow.Core.Plans;

namespace TerraFlow.Benchmarks;

/// <summary>
/// How fast <see cref="PlanReader"/> gets through a large plan, against the ceiling of merely walking every token
/// with <see cref="Utf8JsonReader"/>. The plan is synthetic but shaped like real AWS plans: 10,000 resource
/// changes with nested before/after objects, plus planned_values and prior_state sections that are skipped.
/// </summary>
[MemoryDiagnoser]
public class PlanReadingBenchmarks
{
    private byte[] _plan = [];

    [Params(10_000)]
    public int ResourceCount { get; set; }

    [GlobalSetup]
    public void Setup() => _plan = SyntheticPlan.Build(ResourceCount);

    [Benchmark(Baseline = true)]
    public int RawUtf8JsonReader()
    {
        var reader = new Utf8JsonReader(_plan);
        int tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }
        return tokens;
    }

    [Benchmark]
    public PlanSummary PlanReaderRead() => PlanReader.Read(_plan);

    [Benchmark]
    public async Task<PlanSummary> PlanReaderReadAsync() =>
        await PlanReader.ReadAsync(new MemoryStream(_plan, writable: false), CancellationToken.None);
}

/// <summary>Writes a plan JSON document of a given number of resource changes (deterministic).</summary>
internal static class SyntheticPlan
{
    public static byte[] Build(int resources)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("format_version", "1.2");
            w.WriteString("terraform_version", "1.9.5");
            w.WriteStartObject("planned_values");
            w.WriteStartArray("resources");
            for (int i = 0; i < resources; i++)
            {
                w.WriteStartObject();
                w.WriteString("address", Address(i));
                w.WritePropertyName("values");
                WriteInstance(w, i, after: true);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();

            w.WriteStartArray("resource_changes");
            for (int i = 0; i < resources; i++)
            {
                WriteChange(w, i);
            }
            w.WriteEndArray();

            w.WriteStartObject("output_changes");
            for (int i = 0; i < 20; i++)
            {
                w.WriteStartObject($"out_{i}");
                w.WriteStartArray("actions");
                w.WriteStringValue(i % 2 == 0 ? "create" : "no-op");
                w.WriteEndArray();
                w.WriteString("after", $"value-{i}");
                w.WriteBoolean("after_unknown", false);
                w.WriteBoolean("before_sensitive", false);
                w.WriteBoolean("after_sensitive", i % 5 == 0);
                w.WriteEndObject();
            }
            w.WriteEndObject();

            w.WriteStartObject("prior_state");
            w.WriteStartArray("resources");
            for (int i = 0; i < resources; i++)
            {
                w.WriteStartObject();
                w.WriteString("address", Address(i));
                w.WritePropertyName("values");
                WriteInstance(w, i, after: false);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteBoolean("errored", false);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static string Address(int i) => $"module.app_{i % 50}.aws_instance.web[{i}]";

    private static void WriteChange(Utf8JsonWriter w, int i)
    {
        // Roughly what a busy plan looks like: mostly no-op, some updates, creates, replaces and deletes.
        string[] actions = (i % 10) switch
        {
            0 or 1 => ["create"],
            2 or 3 => ["update"],
            4 => ["delete", "create"],
            5 => ["delete"],
            6 => ["read"],
            _ => ["no-op"],
        };
        w.WriteStartObject();
        w.WriteString("address", Address(i));
        w.WriteString("module_address", $"module.app_{i % 50}");
        w.WriteString("mode", actions[0] == "read" ? "data" : "managed");
        w.WriteString("type", "aws_instance");
        w.WriteString("name", "web");
        w.WriteNumber("index", i);
        w.WriteString("provider_name", "registry.terraform.io/hashicorp/aws");
        w.WriteStartObject("change");
        w.WriteStartArray("actions");
        foreach (var a in actions)
        {
            w.WriteStringValue(a);
        }
        w.WriteEndArray();
        w.WritePropertyName("before");
        if (actions[0] == "create") w.WriteNullValue(); else WriteInstance(w, i, after: false);
        w.WritePropertyName("after");
        if (actions is ["delete"]) w.WriteNullValue(); else WriteInstance(w, i, after: actions[0] != "no-op");
        w.WriteStartObject("after_unknown");
        if (actions[0] is "create" or "delete")
        {
            w.WriteBoolean("id", true);
            w.WriteBoolean("arn", true);
            w.WriteBoolean("private_ip", true);
        }
        w.WriteEndObject();
        w.WriteStartObject("before_sensitive");
        w.WriteBoolean("user_data", true);
        w.WriteEndObject();
        w.WriteStartObject("after_sensitive");
        w.WriteBoolean("user_data", true);
        w.WriteEndObject();
        w.WriteEndObject();
        if (actions[0] == "delete" && actions.Length == 2)
        {
            w.WriteString("action_reason", "replace_because_cannot_update");
        }
        w.WriteEndObject();
    }

    private static void WriteInstance(Utf8JsonWriter w, int i, bool after)
    {
        w.WriteStartObject();
        w.WriteString("ami", after && i % 3 == 0 ? "ami-0b5eea76982371e91" : "ami-0a3c3a20c09d6f377");
        w.WriteString("arn", $"arn:aws:ec2:eu-west-1:123456789012:instance/i-{i:x12}");
        w.WriteBoolean("associate_public_ip_address", false);
        w.WriteString("availability_zone", $"eu-west-1{(char)('a' + i % 3)}");
        w.WriteNumber("cpu_core_count", 2);
        w.WriteBoolean("ebs_optimized", true);
        w.WriteString("id", $"i-{i:x12}");
        w.WriteString("instance_type", after && i % 2 == 0 ? "t3.large" : "t3.medium");
        w.WriteBoolean("monitoring", after);
        w.WriteString("private_ip", $"10.0.{i / 250 % 250}.{i % 250}");
        w.WriteString("subnet_id", $"subnet-{i % 7:x8}");
        w.WriteString("user_data", "IyEvYmluL2Jhc2gKZWNobyBoZWxsbw==");
        w.WriteStartArray("vpc_security_group_ids");
        w.WriteStringValue("sg-0123456789abcdef0");
        if (after) w.WriteStringValue("sg-0fedcba9876543210");
        w.WriteEndArray();
        w.WriteStartObject("tags");
        w.WriteString("Name", $"web-{i}");
        w.WriteString("Environment", after ? "production" : "staging");
        w.WriteString("Team", "platform");
        w.WriteString("kubernetes.io/cluster/main", "owned");
        w.WriteEndObject();
        w.WriteStartArray("root_block_device");
        w.WriteStartObject();
        w.WriteBoolean("delete_on_termination", true);
        w.WriteBoolean("encrypted", true);
        w.WriteNumber("iops", 3000);
        w.WriteNumber("volume_size", after ? 50 : 30);
        w.WriteString("volume_type", "gp3");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("metadata_options");
        w.WriteString("http_endpoint", "enabled");
        w.WriteString("http_tokens", "required");
        w.WriteNumber("http_put_response_hop_limit", 1);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
