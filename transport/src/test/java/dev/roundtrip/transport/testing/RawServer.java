package dev.roundtrip.transport.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A loopback server whose handler owns each accepted socket outright: for scripts that
 * {@link ScriptedServer} does not cover, such as a TLS server, a peer that never speaks,
 * a {@code CONNECT} proxy, or a check of the exact bytes a client sent. Plain TCP, or TLS
 * with a given {@link SSLContext} (the handshake runs in the connection's thread, on the
 * first read or write, or explicitly through {@link Conn#handshake()}).
 *
 * <p>
 * Bounded: every blocking helper takes a timeout; {@link #close()} closes every socket
 * and waits, bounded, for every thread.
 */
public final class RawServer implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final Handler handler;

	private final Thread acceptor;

	private final AtomicInteger accepted = new AtomicInteger();

	private final List<Conn> connections = new CopyOnWriteArrayList<>();

	private final List<Throwable> errors = new CopyOnWriteArrayList<>();

	private volatile boolean closed;

	private RawServer(ServerSocket serverSocket, Handler handler) {
		this.serverSocket = serverSocket;
		this.handler = handler;
		this.acceptor = new Thread(this::acceptLoop, "raw-server-" + port() + "-acceptor");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/** A plain TCP server on 127.0.0.1. */
	public static RawServer start(Handler handler) {
		try {
			return new RawServer(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")), handler);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot listen on 127.0.0.1", ex);
		}
	}

	/** A TLS server on 127.0.0.1 with the key material of {@code context}. */
	public static RawServer startTls(SSLContext context, Handler handler) {
		try {
			ServerSocket socket = context.getServerSocketFactory()
				.createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
			return new RawServer(socket, handler);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot listen on 127.0.0.1", ex);
		}
	}

	public int port() {
		return this.serverSocket.getLocalPort();
	}

	/** {@code scheme://127.0.0.1:port} followed by {@code path}. */
	public URI uri(String scheme, String path) {
		return URI.create(scheme + "://127.0.0.1:" + port() + path);
	}

	public int acceptedConnections() {
		return this.accepted.get();
	}

	/** The connection accepted {@code id}-th (from 1); fails if there is none yet. */
	public Conn connection(int id) {
		for (Conn conn : this.connections) {
			if (conn.id == id) {
				return conn;
			}
		}
		throw new AssertionError("No connection " + id + " (accepted " + this.accepted.get() + ")");
	}

	public List<Conn> connections() {
		return List.copyOf(this.connections);
	}

	/** What handlers threw, other than I/O errors from a peer that went away. */
	public List<Throwable> errors() {
		return List.copyOf(this.errors);
	}

	public void awaitAccepted(int count, Duration timeout) {
		Await.until(() -> this.accepted.get() >= count, timeout,
				() -> "expected " + count + " accepted connections, have " + this.accepted.get());
	}

	@Override
	public void close() {
		this.closed = true;
		closeQuietly(this.serverSocket);
		for (Conn conn : this.connections) {
			closeQuietly(conn.socket);
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		join(this.acceptor, deadline);
		for (Conn conn : this.connections) {
			join(conn.thread, deadline);
		}
	}

	private void acceptLoop() {
		while (!this.closed) {
			Socket socket;
			try {
				socket = this.serverSocket.accept();
			}
			catch (IOException ex) {
				if (!this.closed) {
					this.errors.add(ex);
				}
				return;
			}
			Conn conn;
			try {
				conn = new Conn(this.accepted.incrementAndGet(), socket);
			}
			catch (IOException ex) {
				this.errors.add(ex);
				closeQuietly(socket);
				continue;
			}
			this.connections.add(conn);
			conn.thread.start();
		}
	}

	private static void join(Thread thread, long deadline) {
		long remaining = deadline - System.nanoTime();
		try {
			if (remaining > 0) {
				thread.join(Math.max(1, remaining / 1_000_000));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Relays bytes between {@code client} and {@code upstream} both ways until each side
	 * has ended (a proxy's tunnel), then closes {@code upstream}; the way back runs on a
	 * thread named {@code name-back}.
	 */
	static void relayBothWays(Socket client, Socket upstream, String name) {
		Thread back = new Thread(() -> relay(upstream, client), name + "-back");
		back.setDaemon(true);
		back.start();
		relay(client, upstream);
		try {
			back.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		closeQuietly(upstream);
	}

	/** Copies {@code from} to {@code to} until EOF, then half-closes {@code to}. */
	private static void relay(Socket from, Socket to) {
		byte[] buffer = new byte[16 * 1024];
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			int n;
			while ((n = in.read(buffer)) >= 0) {
				out.write(buffer, 0, n);
				out.flush();
			}
			to.shutdownOutput();
		}
		catch (IOException ex) {
			closeQuietly(to);
			closeQuietly(from);
		}
	}

	static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// closing anyway
		}
	}

	/** Serves one connection, on that connection's own thread. */
	@FunctionalInterface
	public interface Handler {

		void handle(Conn conn) throws Exception;

	}

	/** One accepted connection, owned by its handler. */
	public final class Conn {

		private final int id;

		private final Socket socket;

		private final InputStream in;

		private final OutputStream out;

		private final Thread thread;

		private volatile boolean eofSeen;

		private volatile boolean finished;

		Conn(int id, Socket socket) throws IOException {
			this.id = id;
			this.socket = socket;
			socket.setTcpNoDelay(true);
			this.in = socket.getInputStream();
			this.out = socket.getOutputStream();
			this.thread = new Thread(this::run, "raw-server-" + port() + "-conn-" + id);
			this.thread.setDaemon(true);
		}

		private void run() {
			try {
				RawServer.this.handler.handle(this);
			}
			catch (IOException ex) {
				// The peer went away, or the server closed under the handler.
			}
			catch (Throwable ex) {
				if (!RawServer.this.closed) {
					RawServer.this.errors.add(ex);
				}
			}
			finally {
				this.finished = true;
				closeQuietly(this.socket);
			}
		}

		public int id() {
			return this.id;
		}

		public Socket socket() {
			return this.socket;
		}

		public InputStream in() {
			return this.in;
		}

		public OutputStream out() {
			return this.out;
		}

		/** Whether the handler has returned (and the socket is closed). */
		public boolean isFinished() {
			return this.finished;
		}

		/** Whether a read saw the client's EOF. */
		public boolean eofSeen() {
			return this.eofSeen;
		}

		/** Completes the TLS handshake now; a failure is thrown here. */
		public void handshake() throws IOException {
			((SSLSocket) this.socket).startHandshake();
		}

		/** The SNI host name the client sent, or {@code null}. */
		public String sniHostName() {
			ExtendedSSLSession session = (ExtendedSSLSession) ((SSLSocket) this.socket).getSession();
			for (SNIServerName name : session.getRequestedServerNames()) {
				if (name instanceof SNIHostName host) {
					return host.getAsciiName();
				}
			}
			return null;
		}

		/**
		 * Reads a request (or response) head: the lines up to the empty line, without
		 * line ends; {@code null} if the peer closed before sending a byte.
		 */
		public List<String> readHead() throws IOException {
			List<String> lines = new ArrayList<>();
			ByteArrayOutputStream line = new ByteArrayOutputStream();
			int total = 0;
			while (true) {
				int b = this.in.read();
				if (b < 0) {
					this.eofSeen = true;
					if (lines.isEmpty() && line.size() == 0) {
						return null;
					}
					throw new EOFException("EOF in the middle of a head after " + lines);
				}
				if (++total > 64 * 1024) {
					throw new IOException("Head over 64 KiB");
				}
				if (b == '\n') {
					String text = line.toString(StandardCharsets.ISO_8859_1);
					if (text.endsWith("\r")) {
						text = text.substring(0, text.length() - 1);
					}
					if (text.isEmpty()) {
						return lines;
					}
					lines.add(text);
					line.reset();
				}
				else {
					line.write(b);
				}
			}
		}

		/** Reads exactly {@code n} bytes. */
		public byte[] readBytes(int n) throws IOException {
			byte[] bytes = this.in.readNBytes(n);
			if (bytes.length < n) {
				this.eofSeen = true;
				throw new EOFException("EOF after " + bytes.length + " of " + n + " bytes");
			}
			return bytes;
		}

		/**
		 * Reads until the client closes (EOF or reset), or {@code timeout} passes (then
		 * fails); returns every byte read on the way.
		 */
		public byte[] readUntilEof(Duration timeout) throws IOException {
			ByteArrayOutputStream all = new ByteArrayOutputStream();
			long deadline = System.nanoTime() + timeout.toNanos();
			byte[] chunk = new byte[8192];
			int previous = this.socket.getSoTimeout();
			try {
				while (true) {
					long remaining = deadline - System.nanoTime();
					if (remaining <= 0) {
						throw new AssertionError("The client did not close connection " + this.id + " within "
								+ timeout.toMillis() + " ms; read " + all.size() + " bytes");
					}
					this.socket.setSoTimeout((int) Math.max(1, remaining / 1_000_000));
					int n;
					try {
						n = this.in.read(chunk);
					}
					catch (SocketTimeoutException ex) {
						continue;
					}
					catch (IOException reset) {
						n = -1;
					}
					if (n < 0) {
						this.eofSeen = true;
						return all.toByteArray();
					}
					all.write(chunk, 0, n);
				}
			}
			finally {
				if (!this.socket.isClosed()) {
					this.socket.setSoTimeout(previous);
				}
			}
		}

		public Conn write(String text) throws IOException {
			return write(text.getBytes(StandardCharsets.ISO_8859_1));
		}

		public Conn write(byte[] bytes) throws IOException {
			this.out.write(bytes);
			this.out.flush();
			return this;
		}

		/**
		 * Writes a response with a {@code Content-Length} body and any extra header
		 * lines.
		 */
		public void respond(int status, String body, String... headerLines) throws IOException {
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			write(ServerExchange.head(status, bytes.length, headerLines) + "\r\n");
			write(bytes);
		}

		public void close() {
			closeQuietly(this.socket);
		}

		@Override
		public String toString() {
			return "raw connection #" + this.id;
		}

	}

	/**
	 * The value of header {@code name} among head lines (after the first), or
	 * {@code null}.
	 */
	public static String header(List<String> head, String name) {
		String prefix = name.toLowerCase(Locale.ROOT) + ":";
		for (int i = 1; i < head.size(); i++) {
			if (head.get(i).toLowerCase(Locale.ROOT).startsWith(prefix)) {
				return head.get(i).substring(prefix.length()).trim();
			}
		}
		return null;
	}

}
