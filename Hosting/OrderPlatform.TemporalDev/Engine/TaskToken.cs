using System.Text;
using Google.Protobuf;

namespace OrderPlatform.TemporalDev.Engine;

/// <summary>Opaque task tokens: a kind, the run id and the numbers that make a stale completion detectable.</summary>
internal readonly record struct TaskToken(char Kind, string RunId, long Id, int Attempt, string QueryId)
{
    public const char Workflow = 'w';
    public const char Activity = 'a';
    public const char Query = 'q';

    public ByteString ToByteString() => ByteString.CopyFromUtf8($"{Kind}|{RunId}|{Id}|{Attempt}|{QueryId}");

    public static TaskToken? Parse(ByteString token)
    {
        string[] parts = Encoding.UTF8.GetString(token.Span).Split('|');
        if (parts.Length != 5 || parts[0].Length != 1
            || !long.TryParse(parts[2], out long id) || !int.TryParse(parts[3], out int attempt))
        {
            return null;
        }

        return new TaskToken(parts[0][0], parts[1], id, attempt, parts[4]);
    }
}
