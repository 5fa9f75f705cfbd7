using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.LocalProcesses;

internal static class LoggerExtensions
{
    /// <summary>One plain line in a resource's console log.</summary>
    public static void LogInformationLine(this ILogger logger, string line) => logger.LogInformation("{Line}", line);
}
