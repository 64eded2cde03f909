package dev.roundtrip.transport.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server on a unix domain socket, as a sidecar proxy or Docker's daemon listens: a
 * socket file in a directory of its own, each connection accepted on it relayed to a TCP
 * server on loopback (a {@link ScriptedServer} or a TLS {@link RawServer}), so the tests
 * script the HTTP side as they do over TCP. {@link #close()} removes the file.
 */
public final class UnixRelay implements AutoCloseable {

	private final Path directory;

	private final Path socketFile;

	private final ServerSocketChannel server;

	private final int targetPort;

	private final Thread acceptor;

	private final AtomicInteger accepted = new AtomicInteger();

	private final java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();

	private final List<SocketChannel> clients = new CopyOnWriteArrayList<>();

	private final List<SocketChannel> upstreams = new CopyOnWriteArrayList<>();

	private final List<Thread> relays = new CopyOnWriteArrayList<>();

	/** -1: accepted connections are read, never answered. */
	private UnixRelay(int targetPort) throws IOException {
		this.directory = Files.createTempDirectory("roundtrip-unix");
		this.socketFile = this.directory.resolve("http.sock");
		this.targetPort = targetPort;
		this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		this.server.bind(UnixDomainSocketAddress.of(this.socketFile));
		this.acceptor = new Thread(this::acceptLoop, "unix-relay-acceptor");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/** A socket file whose connections are relayed to {@code 127.0.0.1:targetPort}. */
	public static UnixRelay to(int targetPort) {
		try {
			return new UnixRelay(targetPort);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot listen on a unix socket", ex);
		}
	}

	/**
	 * A socket file whose connections are read and never answered, nor closed until
	 * {@link #close()}.
	 */
	public static UnixRelay silent() {
		return to(-1);
	}

	/** Bytes a {@link #silent()} socket has read. */
	public long bytesReceived() {
		return this.received.get();
	}

	public Path socketFile() {
		return this.socketFile;
	}

	/** Connections accepted on the socket file so far. */
	public int acceptedConnections() {
		return this.accepted.get();
	}

	/**
	 * Closes every connection accepted so far, from the server's side, as a sidecar does
	 * when it restarts; returns once the relaying threads have stopped. (A channel closed
	 * while a thread is blocked reading it is only released when that thread leaves, so
	 * until then the client may not see the end of the stream.)
	 */
	public void closeConnections() {
		for (SocketChannel client : this.clients) {
			closeQuietly(client);
		}
		for (SocketChannel upstream : this.upstreams) {
			closeQuietly(upstream);
		}
		long deadline = System.nanoTime() + 5_000_000_000L;
		for (Thread relay : this.relays) {
			try {
				relay.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	@Override
	public void close() {
		closeQuietly(this.server);
		closeConnections();
		try {
			this.acceptor.join(5000);
			Files.deleteIfExists(this.socketFile);
			Files.deleteIfExists(this.directory);
		}
		catch (IOException ex) {
			// A temp file left behind.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void acceptLoop() {
		try {
			while (this.accepted.get() < 1000) {
				SocketChannel client = this.server.accept();
				this.accepted.incrementAndGet();
				this.clients.add(client);
				if (this.targetPort < 0) {
					start(() -> swallow(client), "unix-relay-silent");
					continue;
				}
				SocketChannel upstream = SocketChannel.open(new InetSocketAddress("127.0.0.1", this.targetPort));
				this.upstreams.add(upstream);
				start(() -> relay(client, upstream), "unix-relay-up");
				start(() -> relay(upstream, client), "unix-relay-down");
			}
		}
		catch (IOException ex) {
			// Closed.
		}
	}

	private void start(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		this.relays.add(thread);
		thread.start();
	}

	private void swallow(SocketChannel client) {
		ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
		try {
			int n;
			while ((n = client.read(buffer)) >= 0) {
				this.received.addAndGet(n);
				buffer.clear();
			}
		}
		catch (IOException ex) {
			// Closed.
		}
	}

	/** Copies {@code from} to {@code to} until either ends, then closes both. */
	private static void relay(SocketChannel from, SocketChannel to) {
		ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
		try {
			while (from.read(buffer) >= 0) {
				buffer.flip();
				while (buffer.hasRemaining()) {
					to.write(buffer);
				}
				buffer.clear();
			}
		}
		catch (IOException ex) {
			// One side went away.
		}
		closeQuietly(from);
		closeQuietly(to);
	}

	private static void closeQuietly(java.nio.channels.Channel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// Closing is best effort.
		}
	}

}
