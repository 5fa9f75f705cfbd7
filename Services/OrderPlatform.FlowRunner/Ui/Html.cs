using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace OrderPlatform.FlowRunner.Ui;

/// <summary>
/// A fragment of HTML. Written as <c>$"..."</c>, every interpolated value is HTML-encoded unless it is itself an
/// <see cref="Html"/>, so escaping is the default and a page can only emit raw markup that was written as a literal.
/// </summary>
[InterpolatedStringHandler]
public readonly struct Html
{
    private readonly StringBuilder _builder;

    public Html(int literalLength, int formattedCount) => _builder = new StringBuilder(literalLength + (formattedCount * 16));

    private Html(string markup) => _builder = new StringBuilder(markup);

    public static Html Empty => new(string.Empty);

    public void AppendLiteral(string literal) => _builder.Append(literal);

    // One generic entry point (no overloads that a List<Html> or Html[] could miss): fragments go in as markup, anything else encoded.
    public void AppendFormatted<T>(T value)
    {
        switch (value)
        {
            case Html fragment:
                _builder.Append(fragment.ToString());
                break;
            case IEnumerable<Html> fragments:
                foreach (var fragment in fragments)
                {
                    _builder.Append(fragment.ToString());
                }

                break;
            default:
                _builder.Append(HtmlEncoder.Default.Encode(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty));
                break;
        }
    }

    public void AppendFormatted<T>(T value, string format) where T : IFormattable =>
        _builder.Append(HtmlEncoder.Default.Encode(value.ToString(format, CultureInfo.InvariantCulture)));

    public override string ToString() => _builder?.ToString() ?? string.Empty;

    public IResult ToResult(int status = StatusCodes.Status200OK) => Results.Content(ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
}
