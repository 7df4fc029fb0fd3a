using Amazon.Runtime;

namespace LeoPass.Recovery.Storage.Tests.Support;

/// <summary>
/// Lets a test change what the S3 server answered before the SDK sees it — how we get an opaque
/// ETag, an AWS-style multipart ETag, or corrupted bytes out of an honest s3rver.
/// </summary>
public sealed class RewritingHttpClientFactory(Func<HttpRequestMessage, HttpResponseMessage, Task> rewrite) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new RewritingHandler(rewrite));

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    private sealed class RewritingHandler(Func<HttpRequestMessage, HttpResponseMessage, Task> rewrite) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await rewrite(request, response);
            return response;
        }
    }

    public static bool IsObjectPut(HttpRequestMessage request) => request.Method == HttpMethod.Put && request.RequestUri?.Query.Length == 0;
    public static bool IsComplete(HttpRequestMessage request) => request.Method == HttpMethod.Post && request.RequestUri!.Query.Contains("uploadId=", StringComparison.Ordinal);
    public static bool IsObjectGet(HttpRequestMessage request) => request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.Count(c => c == '/') >= 2;

    /// <summary>Replaces the ETag in a PutObject answer (header) or CompleteMultipartUpload answer (XML body).</summary>
    public static async Task ReplaceETagAsync(HttpResponseMessage response, string etag)
    {
        response.Headers.ETag = null;
        response.Headers.TryAddWithoutValidation("ETag", $"\"{etag}\"");
        if (response.Content.Headers.ContentLength is > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("xml", StringComparison.Ordinal) == true)
        {
            var xml = await response.Content.ReadAsStringAsync();
            var rewritten = System.Text.RegularExpressions.Regex.Replace(xml, "<ETag>[^<]*</ETag>", $"<ETag>&quot;{etag}&quot;</ETag>");
            response.Content = new StringContent(rewritten, System.Text.Encoding.UTF8, "application/xml");
        }
    }

    public static async Task FlipFirstByteAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        var headers = response.Content.Headers.ToList();
        if (body.Length > 0) body[0] ^= 0xFF;
        response.Content = new ByteArrayContent(body);
        foreach (var (name, values) in headers) response.Content.Headers.TryAddWithoutValidation(name, values);
    }
}
