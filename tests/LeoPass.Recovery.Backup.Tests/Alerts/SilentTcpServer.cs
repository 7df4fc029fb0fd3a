using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace LeoPass.Recovery.Backup.Tests.Alerts;

/// <summary>Accepts connections and never answers: a hung alert target.</summary>
internal sealed class SilentTcpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<TcpClient> _clients = [];

    public SilentTcpServer()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync();
    }

    public int Port { get; }

    public int Accepted => _clients.Count;

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true) _clients.Add(await _listener.AcceptTcpClientAsync());
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        foreach (var client in _clients) client.Dispose();
    }
}
