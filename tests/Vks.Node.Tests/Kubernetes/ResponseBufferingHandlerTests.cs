// The handler in front of a transport whose body stream records how it is read: an ordinary response is read whole,
// asynchronously, before it is handed on (KubernetesClient then reads it synchronously from memory); a watch or a
// followed log is handed on unread, since its body does not end.
using System.Net;
using Vks.Node.Kubernetes;

namespace Vks.Node.Tests.Kubernetes;

public sealed class ResponseBufferingHandlerTests
{
    [Theory]
    [InlineData("/api/v1/namespaces/default/pods/p/status")]
    [InlineData("/api/v1/pods?fieldSelector=spec.nodeName%3Dn1&watch=false")]
    public async Task An_ordinary_response_is_read_whole_asynchronously_before_it_is_handed_on(string path)
    {
        var body = new RecordingStream("{\"kind\":\"Pod\"}"u8.ToArray());

        using var response = await SendAsync(body, HttpMethod.Patch, path);

        Assert.True(body.ReadToEnd);
        Assert.Equal(0, body.SynchronousReads);
        using var reader = new StreamReader(response.Content.ReadAsStream());
        Assert.Equal("{\"kind\":\"Pod\"}", reader.ReadToEnd());
        Assert.Equal(0, body.SynchronousReads);
    }

    [Theory]
    [InlineData("/api/v1/pods?fieldSelector=spec.nodeName%3Dn1&resourceVersion=5&watch=true")]
    [InlineData("/api/v1/namespaces/default/pods/p/log?follow=true")]
    public async Task A_stream_is_handed_on_unread(string path)
    {
        var body = new RecordingStream("{\"type\":\"ADDED\"}\n"u8.ToArray());

        using var response = await SendAsync(body, HttpMethod.Get, path);

        Assert.Equal(0, body.Position);
    }

    // The request through the handler to a transport that answers with body.
    private static async Task<HttpResponseMessage> SendAsync(Stream body, HttpMethod method, string path)
    {
        using var invoker = new HttpMessageInvoker(new ResponseBufferingHandler { InnerHandler = new BodyTransport(body) });
        return await invoker.SendAsync(new HttpRequestMessage(method, new Uri("https://127.0.0.1:6443" + path)), CancellationToken.None);
    }

    private sealed class BodyTransport(Stream body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body), RequestMessage = request });
    }

    // A body that arrives in pieces; a synchronous read is what blocks a pool thread on a real connection.
    private sealed class RecordingStream(byte[] data) : Stream
    {
        private int _position;

        public int SynchronousReads { get; private set; }

        public bool ReadToEnd => _position == data.Length;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            SynchronousReads++;
            return Take(buffer.AsSpan(offset, count));
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return Take(buffer.Span);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        // At most 4 bytes a read, so the body takes several reads.
        private int Take(Span<byte> buffer)
        {
            var count = Math.Min(Math.Min(buffer.Length, 4), data.Length - _position);
            data.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }
    }
}
