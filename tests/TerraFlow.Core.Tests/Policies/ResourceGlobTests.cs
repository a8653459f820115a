using TerraFlow.Core.Policies;

namespace TerraFlow.Core.Tests.Policies;

public class ResourceGlobTests
{
    [Theory]
    [InlineData("azurerm_key_vault*", "azurerm_key_vault", true)]
    [InlineData("azurerm_key_vault*", "azurerm_key_vault_secret", true)]
    [InlineData("azurerm_key_vault*", "azurerm_key", false)]
    [InlineData("module.db.*", "module.db.azurerm_postgresql_server.main", true)]
    [InlineData("module.db.*", "module.dbx.azurerm_postgresql_server.main", false)]
    [InlineData("*.main", "module.a.aws_vpc.main", true)]
    [InlineData("aws_*_policy", "aws_iam_role_policy", true)]
    [InlineData("aws_*_policy", "aws_iam_role_policy_attachment", false)]
    [InlineData("null_resource.baz[*]", "null_resource.baz[2]", true)]
    [InlineData("Azurerm_*", "azurerm_x", false)]
    [InlineData("*", "", true)]
    public void Star_matches_any_run_of_characters(string pattern, string value, bool expected) =>
        Assert.Equal(expected, ResourceGlob.IsMatch(pattern, value));
}
