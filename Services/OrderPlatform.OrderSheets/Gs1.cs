namespace OrderPlatform.OrderSheets;

/// <summary>GS1 check digits and zero padding for EAN/UPC/GTIN codes that lost their leading zeros (spec R11).</summary>
public static class Gs1
{
    public static bool HasValidCheckDigit(string digits)
    {
        if (digits.Length is not (8 or 12 or 13 or 14) || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }

        return digits[^1] - '0' == CheckDigit(digits[..^1]);
    }

    /// <summary>Weights 3,1,3,… from the rightmost data digit; check digit is (10 − sum mod 10) mod 10.</summary>
    public static int CheckDigit(string data)
    {
        var sum = 0;
        for (var i = 0; i < data.Length; i++)
        {
            var digit = data[data.Length - 1 - i] - '0';
            sum += i % 2 == 0 ? digit * 3 : digit;
        }

        return (10 - (sum % 10)) % 10;
    }

    /// <summary>
    /// The code as a valid GTIN-13 or GTIN-14 when it is one, padding lost leading zeros (a number 36000291452 becomes
    /// 0036000291452); null when no padding gives a valid check digit.
    /// </summary>
    public static string? Normalize(string? text)
    {
        var digits = text?.Trim();
        if (string.IsNullOrEmpty(digits) || digits.Length > 14 || !digits.All(char.IsAsciiDigit))
        {
            return null;
        }

        if (digits.Length == 8 && HasValidCheckDigit(digits))
        {
            return digits;
        }

        var target = digits.Length == 14 ? 14 : 13;
        var padded = digits.PadLeft(target, '0');
        return HasValidCheckDigit(padded) ? padded : null;
    }
}
