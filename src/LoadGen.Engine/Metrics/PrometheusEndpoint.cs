using System.Net;
using System.Text;

namespace LoadGen.Engine;

/// <summary>
/// A Prometheus scrape endpoint (<c>GET /metrics</c>, text format 0.0.4) for watching a run live in Grafana. It serves
/// whatever <c>render</c> returns at the moment of the scrape; nothing is computed on the sessions' hot path.
/// </summary>
public sealed class PrometheusEndpoint : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Func<string> _render;
    private readonly Task _serving;

    private PrometheusEndpoint(HttpListener listener, Func<string> render, Uri url)
    {
        _listener = listener;
        _render = render;
        Url = url;
        _serving = ServeAsync();
    }

    /// <summary>The scrape URL.</summary>
    public Uri Url { get; }

    /// <summary>Starts serving on <paramref name="at"/>.</summary>
    /// <exception cref="ArgumentException">The address cannot be listened on (in use, not local).</exception>
    public static PrometheusEndpoint Start(IPEndPoint at, Func<string> render)
    {
        string host = at.Address.Equals(IPAddress.Any) ? "*" : at.Address.ToString();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://{host}:{at.Port}/");
        try
        {
            listener.Start();
        }
        catch (HttpListenerException ex)
        {
            listener.Close();
            throw new ArgumentException($"--metrics {at}: cannot listen there ({ex.Message})", ex);
        }

        return new PrometheusEndpoint(listener, render, new Uri($"http://{(host == "*" ? "127.0.0.1" : host)}:{at.Port}/metrics"));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                using HttpListenerResponse response = context.Response;
                if (context.Request.Url?.AbsolutePath is not ("/metrics" or "/"))
                {
                    response.StatusCode = 404;
                    continue;
                }

                string text;
                try
                {
                    text = _render();
                }
                catch (Exception ex)
                {
                    // A scrape must never take the run down: answer this one with an error and serve the next.
                    response.StatusCode = 500;
                    text = $"# metrics not available: {ex.GetType().Name}\n";
                }

                byte[] body = Encoding.UTF8.GetBytes(text);
                response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                response.ContentLength64 = body.Length;
                await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The scraper went away mid-response, or the endpoint is closing; the next scrape starts afresh.
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _serving.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Whatever ended the serving loop, the run's results come first.
        }
    }
}
