using System.Buffers.Binary;
using System.Text;

namespace OrderPlatform.TaskDispatcher.Backends.Docker;

/// <summary>
/// Reads the Engine API's multiplexed log stream (containers without a TTY): frames of an 8-byte header — stream type
/// (0 stdin, 1 stdout, 2 stderr), three zero bytes, payload size as big-endian uint32 — then the payload. Bounded: at
/// most <see cref="MaxBytes"/> of payload is kept, the rest of the stream is not read.
/// </summary>
public static class DockerLogStream
{
    public const int MaxBytes = 64 * 1024;

    /// <exception cref="DockerException">A header that is not one of the documented stream types.</exception>
    public static async Task<string> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[8];
        using var text = new MemoryStream();
        while (text.Length < MaxBytes && await ReadFullAsync(stream, header, cancellationToken) == header.Length)
        {
            if (header[0] > 2 || header[1] != 0 || header[2] != 0 || header[3] != 0)
            {
                throw new DockerException("The engine's log stream is not multiplexed as documented.");
            }

            var size = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
            var take = (int)Math.Min(size, MaxBytes - text.Length);
            var payload = new byte[take];
            var read = await ReadFullAsync(stream, payload, cancellationToken);
            text.Write(payload, 0, read);
            if (read < take || take < size)
            {
                break;
            }
        }

        return Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length);
    }

    private static async Task<int> ReadFullAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}

/// <summary>An answer from the engine the backend cannot use; the message names the call and status, never the task's data.</summary>
public sealed class DockerException(string message) : Exception(message);
