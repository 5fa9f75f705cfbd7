using static Aspire.Hosting.Azure.BicepText;

namespace Aspire.Hosting.Azure;

/// <summary>
/// The Cosmos DB account module (serverless, Entra-only: local auth disabled) with its databases, and its
/// <c>{name}-roles</c> module (the built-in data contributor role of the account).
/// </summary>
internal static class AzureCosmosDBBicep
{
    public static string Module(string name, IEnumerable<string> databases)
    {
        var id = Identifier(name);
        return BicepText.Module([LocationParam, Account(name, id), .. databases.Select(db => Database(id, db)),
            $"output connectionString string = {id}.properties.documentEndpoint",
            $"output name string = {id}.name"]);
    }

    public static string RolesModule(string name)
    {
        var id = Identifier(name);
        return BicepText.Module([UnusedLocationParam, OutputsNameParam(id), "param principalId string", $$"""
            resource {{id}} 'Microsoft.DocumentDB/databaseAccounts@2024-08-15' existing = {
              name: {{id}}_outputs_name
            }
            """, $$"""
            // Built-in "Cosmos DB Built-in Data Contributor" (data plane; local auth is disabled on the account).
            resource {{id}}_roleDefinition 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2024-08-15' existing = {
              name: '00000000-0000-0000-0000-000000000002'
              parent: {{id}}
            }
            """, $$"""
            resource {{id}}_roleAssignment 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-08-15' = {
              name: guid(principalId, {{id}}_roleDefinition.id, {{id}}.id)
              properties: {
                principalId: principalId
                roleDefinitionId: {{id}}_roleDefinition.id
                scope: {{id}}.id
              }
              parent: {{id}}
            }
            """]);
    }

    private static string Account(string name, string id) => $$"""
        resource {{id}} 'Microsoft.DocumentDB/databaseAccounts@2024-08-15' = {
          name: take('{{name}}-${uniqueString(resourceGroup().id)}', 44)
          location: location
          properties: {
            locations: [
              {
                locationName: location
                failoverPriority: 0
              }
            ]
            capabilities: [
              {
                name: 'EnableServerless'
              }
            ]
            consistencyPolicy: {
              defaultConsistencyLevel: 'Session'
            }
            databaseAccountOfferType: 'Standard'
            disableLocalAuth: true
          }
          kind: 'GlobalDocumentDB'
          tags: {
            'aspire-resource-name': '{{name}}'
          }
        }
        """;

    private static string Database(string accountId, string database) => $$"""
        resource {{accountId}}_{{Identifier(database)}} 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-08-15' = {
          name: '{{database}}'
          location: location
          properties: {
            resource: {
              id: '{{database}}'
            }
          }
          parent: {{accountId}}
        }
        """;
}
