using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Tests.Projects;

public class TerraformModuleCallsTests
{
    [Fact]
    public void Finds_sources_among_comments_and_other_attributes()
    {
        var calls = TerraformModuleCalls.FromHcl("""
            # module "commented" { source = "./nope" }
            // module "also" { source = "./nope" }
            /* module "block" {
                 source = "./nope"
               } */
            module "vpc" {
              # the network
              cidr   = "10.0.0.0/16"
              tags   = { source = "./not-the-source" }
              source = "../modules/vpc" // trailing comment
            }

            module vpc_peer {
              source="./peer"
            }

            resource "aws_s3_bucket" "b" {
              module "fake" { source = "./inside-resource" }
            }

            module "registry" {
              source  = "terraform-aws-modules/vpc/aws"
              version = "5.0.0"
            }
            """);

        Assert.Equal(
            [new ModuleCall("vpc", "../modules/vpc"), new ModuleCall("vpc_peer", "./peer"), new ModuleCall("registry", "terraform-aws-modules/vpc/aws")],
            calls);
        Assert.Equal([true, true, false], calls.Select(c => c.IsLocal));
    }

    [Fact]
    public void Braces_in_strings_heredocs_and_interpolations_do_not_break_nesting()
    {
        var calls = TerraformModuleCalls.FromHcl("""
            locals {
              policy = <<-EOT
                { "module": "x" } }}}
                module "heredoc" { source = "./nope" }
              EOT
              name = "${var.prefix}-{braces}"
              nested = "${jsonencode({ a = "}" })}"
            }

            module "after" {
              source = "./after"
            }

            module "dynamic" {
              source = "./modules/${var.name}"
            }
            """);

        Assert.Equal([new ModuleCall("after", "./after")], calls);
    }

    [Fact]
    public void Reads_the_json_syntax()
    {
        var calls = TerraformModuleCalls.FromJson("""
            {
              "module": {
                "net": { "source": "../modules/net", "cidr": "10.0.0.0/8" },
                "many": [{ "source": "./many" }]
              },
              "resource": {}
            }
            """);

        Assert.Equal([new ModuleCall("net", "../modules/net"), new ModuleCall("many", "./many")], calls);
    }

    [Fact]
    public void Malformed_json_contributes_no_calls()
    {
        Assert.Empty(TerraformModuleCalls.FromJson("{ \"module\": "));
    }
}
