using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OrderPlatform.FlowRunner.Connections;

/// <summary>
/// AES-256-GCM for connection values (a fresh 12-byte nonce per value, the connection's name as associated data) and
/// HMAC-SHA256 resume tokens, with two keys derived from <c>FlowRunner:Connections:Key</c> so neither use weakens the
/// other. In Development without a key, a random per-process key (and a warning): secrets saved then do not survive
/// a restart, which is the honest failure for a missing key.
/// </summary>
public sealed class SecretProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _encryptionKey;
    private readonly byte[] _tokenKey;

    public SecretProtector(IOptions<FlowRunnerOptions> options, ILogger<SecretProtector> logger)
    {
        var configured = options.Value.Connections.Key;
        byte[] master;
        if (string.IsNullOrEmpty(configured))
        {
            logger.LogWarning("FlowRunner:Connections:Key is not set: connections and resume URLs use a random key that ends with this process (Development only).");
            master = RandomNumberGenerator.GetBytes(32);
        }
        else
        {
            master = Encoding.UTF8.GetBytes(configured);
        }

        _encryptionKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: "flowrunner connections aes-gcm v1"u8.ToArray());
        _tokenKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: "flowrunner waitpoint tokens v1"u8.ToArray());
        CryptographicOperations.ZeroMemory(master);
    }

    /// <summary>nonce | tag | ciphertext of <paramref name="plaintext"/>, bound to <paramref name="name"/>.</summary>
    public byte[] Encrypt(string name, byte[] plaintext)
    {
        var sealedValue = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = sealedValue.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_encryptionKey, TagSize);
        aes.Encrypt(nonce, plaintext, sealedValue.AsSpan(NonceSize + TagSize), sealedValue.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(name));
        return sealedValue;
    }

    /// <summary>The plaintext, or null when the value was sealed with another key or for another name, or altered.</summary>
    public byte[]? Decrypt(string name, byte[] sealedValue)
    {
        if (sealedValue.Length < NonceSize + TagSize)
        {
            return null;
        }

        var plaintext = new byte[sealedValue.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_encryptionKey, TagSize);
            aes.Decrypt(sealedValue.AsSpan(0, NonceSize), sealedValue.AsSpan(NonceSize + TagSize), sealedValue.AsSpan(NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(name));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    /// <summary>The resume token of one waitpoint: base64url HMAC of (run, step), so only this service can mint one.</summary>
    public string ResumeToken(Guid runId, string step) =>
        System.Buffers.Text.Base64Url.EncodeToString(HMACSHA256.HashData(_tokenKey, Encoding.UTF8.GetBytes($"{runId:N}/{step}")));

    /// <summary>Compares in constant time, so response timing says nothing about how much of a guess was right.</summary>
    public bool ResumeTokenValid(Guid runId, string step, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(ResumeToken(runId, step)), Encoding.ASCII.GetBytes(presented));
}
