namespace Aspire.Hosting.Azure;

/// <summary>Pieces shared by the Bicep modules; every module compiles with the Bicep CLI without linter warnings.</summary>
internal static class BicepText
{
    public const string LocationParam = """
        @description('The location for the resource(s) to be deployed.')
        param location string = resourceGroup().location
        """;

    // azd passes `location` to every module it deploys; role modules have no use for it.
    public const string UnusedLocationParam = """
        @description('The location for the resource(s) to be deployed; azd passes it to every module.')
        #disable-next-line no-unused-params
        param location string = resourceGroup().location
        """;

    /// <summary>A module: its declarations separated by blank lines, ending with a line break.</summary>
    public static string Module(IEnumerable<string> declarations) => string.Join("\n\n", declarations) + "\n";

    /// <summary>The <c>{identifier}_outputs_name</c> parameter of a role module (the name of the resource to grant on).</summary>
    public static string OutputsNameParam(string identifier) => $$"""
        // A resource name, never a secret, even when the resource is called "secrets" or "api-keys".
        #disable-next-line secure-secrets-in-params
        param {{identifier}}_outputs_name string
        """;

    public static string RoleAssignment(string resource, string roleName, string roleId) => $$"""
        resource {{resource}}_{{roleName}} 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
          name: guid({{resource}}.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{{roleId}}'))
          properties: {
            principalId: principalId
            roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{{roleId}}')
            principalType: principalType
          }
          scope: {{resource}}
        }
        """;

    /// <summary>A Bicep identifier for a resource name (<c>-</c> is not allowed in one).</summary>
    public static string Identifier(string name) => name.Replace('-', '_');

    /// <summary>A storage account name may hold only lower-case letters and digits.</summary>
    public static string Alphanumeric(string name) => name.Replace("-", "", StringComparison.Ordinal);
}
