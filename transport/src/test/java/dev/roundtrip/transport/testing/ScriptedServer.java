package dev.roundtrip.transport.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import dev.roundtrip.transport.Destination;

/**
 * A loopback HTTP/1.1 server that a test scripts byte by byte, and that shows which TCP
 * connection each request arrived on.
 *
 * <p>
 * It listens on {@code 127.0.0.1} on an ephemeral port. Each accepted connection gets an
 * id (1, 2, 3… in order of acceptance) and its own thread, which reads requests one after
 * another (request line, headers, and a body framed by {@code Content-Length} or
 * chunked), records them, and hands each to the {@link Handler}. The handler writes
 * whatever raw bytes it wants and may delay, hang, half-close or close the connection. A
 * connection counts as closed by the client when the server reads EOF (or a reset) from
 * it.
 *
 * <pre>{@code
 * try (ScriptedServer server = ScriptedServer.start(
 *         ex -> ex.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"))) {
 *     ... transport.roundTrip(Request.get(server.uri("/"))) ...
 *     assertThat(server.requests()).extracting(RecordedRequest::connectionId).containsOnly(1);
 * }
 * }</pre>
 *
 * <p>
 * Bounded: at most {@value #MAX_CONNECTIONS} connections and
 * {@value #MAX_REQUESTS_PER_CONNECTION} requests per connection; every wait takes a
 * timeout; {@link #close()} stops every thread it started.
 */
public final class ScriptedServer implements AutoCloseable {

	/**
	 * Connections accepted at most; later ones are closed at once and reported as errors.
	 */
	public static final int MAX_CONNECTIONS = 2048;

	/** Requests read at most from one connection; then the server closes it. */
	public static final int MAX_REQUESTS_PER_CONNECTION = 10_000;

	static final int MAX_HEAD_BYTES = 64 * 1024;

	static final int MAX_RECORDED_BODY_BYTES = 16 * 1024 * 1024;

	private static final int ACCEPT_POLL_MILLIS = 20;

	private final ServerSocket serverSocket;

	private final Handler handler;

	private final boolean eagerBodies;

	private final Thread acceptor;

	private final AtomicInteger connectionIds = new AtomicInteger();

	private final AtomicLong requestSequence = new AtomicLong();

	private final Map<Integer, ServerConnection> connections = new ConcurrentSkipListMap<>();

	private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

	private final List<Throwable> errors = new CopyOnWriteArrayList<>();

	private final Set<Integer> fillerPorts = ConcurrentHashMap.newKeySet();

	private final List<Socket> fillers = new CopyOnWriteArrayList<>();

	private volatile boolean acceptPaused;

	private volatile boolean acceptorParked;

	private volatile boolean closed;

	private ScriptedServer(Builder builder, Handler handler) throws IOException {
		this.handler = handler;
		this.eagerBodies = builder.eagerBodies;
		this.serverSocket = new ServerSocket(0, builder.backlog, InetAddress.getByName("127.0.0.1"));
		this.serverSocket.setSoTimeout(ACCEPT_POLL_MILLIS);
		this.acceptor = new Thread(this::acceptLoop, "scripted-server-" + port() + "-acceptor");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/**
	 * A server answering every request with {@code handler}, reading request bodies
	 * before calling it.
	 */
	public static ScriptedServer start(Handler handler) {
		return builder().start(handler);
	}

	public static Builder builder() {
		return new Builder();
	}

	public int port() {
		return this.serverSocket.getLocalPort();
	}

	/** {@code http://127.0.0.1:port} followed by {@code path}. */
	public String url(String path) {
		return "http://127.0.0.1:" + port() + path;
	}

	public URI uri(String path) {
		return URI.create(url(path));
	}

	/** The pool key the transport should use for this server (plain http, no proxy). */
	public Destination destination() {
		return new Destination("http", "127.0.0.1", port(), null, null);
	}

	/** Connections accepted so far (fillers excluded). */
	public int acceptedConnections() {
		return this.connectionIds.get();
	}

	/** Connections neither closed by the client (EOF seen) nor by the server. */
	public int openConnections() {
		int open = 0;
		for (ServerConnection connection : this.connections.values()) {
			if (connection.isOpen()) {
				open++;
			}
		}
		return open;
	}

	/** Every connection accepted, in order. */
	public List<ConnectionState> connections() {
		return this.connections.values().stream().map(ServerConnection::state).collect(Collectors.toList());
	}

	/** The connection with this id; fails if there is none. */
	public ConnectionState connection(int id) {
		ServerConnection connection = this.connections.get(id);
		if (connection == null) {
			throw new AssertionError("No connection " + id + "; connections: " + connections());
		}
		return connection.state();
	}

	/** The id of the connection whose client side has this local port, or -1. */
	public int connectionIdForClientPort(int clientPort) {
		for (ServerConnection connection : this.connections.values()) {
			if (connection.clientPort == clientPort) {
				return connection.id;
			}
		}
		return -1;
	}

	/** Every request received so far, in order of arrival. */
	public List<RecordedRequest> requests() {
		return List.copyOf(this.requests);
	}

	/** The requests that arrived on connection {@code connectionId}. */
	public List<RecordedRequest> requestsOn(int connectionId) {
		return this.requests.stream().filter((r) -> r.connectionId() == connectionId).collect(Collectors.toList());
	}

	/** The first request whose target is {@code target}; fails if none arrived. */
	public RecordedRequest request(String target) {
		for (RecordedRequest request : this.requests) {
			if (request.target().equals(target)) {
				return request;
			}
		}
		throw new AssertionError("No request for " + target + "; received: " + this.requests);
	}

	/** The ids of the connections the requests arrived on, in order of arrival. */
	public List<Integer> connectionIdsOfRequests() {
		return this.requests.stream().map(RecordedRequest::connectionId).collect(Collectors.toList());
	}

	/** Waits until at least {@code count} requests have arrived; returns them all. */
	public List<RecordedRequest> awaitRequests(int count, Duration timeout) {
		Await.until(() -> this.requests.size() >= count, timeout,
				() -> "expected " + count + " requests, received " + this.requests);
		return requests();
	}

	/** Waits until at least {@code count} connections have been accepted. */
	public void awaitAccepted(int count, Duration timeout) {
		Await.until(() -> acceptedConnections() >= count, timeout,
				() -> "expected " + count + " accepted connections, have " + connections());
	}

	/** Waits until the server has read EOF (or a reset) from connection {@code id}. */
	public void awaitClientClosed(int id, Duration timeout) {
		Await.until(() -> {
			ServerConnection connection = this.connections.get(id);
			return connection != null && connection.isClientClosed();
		}, timeout, () -> "expected the client to close connection " + id + "; connections: " + connections());
	}

	/**
	 * Errors thrown by the handler (other than I/O errors from a client that went away).
	 */
	public List<Throwable> errors() {
		return List.copyOf(this.errors);
	}

	/**
	 * Stops accepting: connections then complete their TCP handshake only while the
	 * kernel's accept queue has room. Returns once the acceptor is parked.
	 */
	public void pauseAccepting() {
		this.acceptorParked = false;
		this.acceptPaused = true;
		Await.until(() -> this.acceptorParked, Await.PROMPTLY, "the acceptor to park");
	}

	/**
	 * With accepting paused, fills the kernel's accept queue with connections of the
	 * test's own, so that a new {@code connect()} to this server stalls (on Linux the SYN
	 * is dropped and retried after about a second). The fillers are discarded, uncounted,
	 * once accepting resumes. Needs a small backlog ({@link Builder#backlog}).
	 */
	public void fillAcceptQueue() throws IOException {
		if (!this.acceptPaused) {
			throw new IllegalStateException("pauseAccepting() first");
		}
		for (int i = 0; i < 64; i++) {
			Socket filler = new Socket();
			try {
				filler.connect(new InetSocketAddress("127.0.0.1", port()), 250);
			}
			catch (SocketTimeoutException full) {
				filler.close();
				return;
			}
			this.fillerPorts.add(filler.getLocalPort());
			this.fillers.add(filler);
		}
		throw new IllegalStateException("The accept queue did not fill up after 64 connections; use a small backlog");
	}

	/** Accepts again; queued fillers are closed without being counted. */
	public void resumeAccepting() {
		for (Socket filler : this.fillers) {
			closeQuietly(filler);
		}
		this.acceptPaused = false;
	}

	/**
	 * Stops accepting, closes every connection and waits (bounded) for every thread to
	 * end.
	 */
	@Override
	public void close() {
		this.closed = true;
		closeQuietly(this.serverSocket);
		for (Socket filler : this.fillers) {
			closeQuietly(filler);
		}
		for (ServerConnection connection : this.connections.values()) {
			connection.closeForShutdown();
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		join(this.acceptor, deadline);
		for (ServerConnection connection : this.connections.values()) {
			join(connection.thread, deadline);
		}
	}

	@Override
	public String toString() {
		return "ScriptedServer on " + url("") + " " + connections() + " requests=" + this.requests;
	}

	boolean isClosed() {
		return this.closed;
	}

	boolean eagerBodies() {
		return this.eagerBodies;
	}

	Handler handler() {
		return this.handler;
	}

	long nextRequestSequence() {
		return this.requestSequence.incrementAndGet();
	}

	void record(RecordedRequest request) {
		this.requests.add(request);
	}

	void error(Throwable error) {
		if (!this.closed) {
			this.errors.add(error);
		}
	}

	private void acceptLoop() {
		while (!this.closed) {
			if (this.acceptPaused) {
				this.acceptorParked = true;
				LockSupport.parkNanos(Duration.ofMillis(ACCEPT_POLL_MILLIS).toNanos());
				continue;
			}
			Socket socket;
			try {
				socket = this.serverSocket.accept();
			}
			catch (SocketTimeoutException ex) {
				continue;
			}
			catch (IOException ex) {
				error(ex);
				return;
			}
			if (this.fillerPorts.remove(socket.getPort())) {
				closeQuietly(socket);
				continue;
			}
			if (this.connectionIds.get() >= MAX_CONNECTIONS) {
				error(new IllegalStateException("More than " + MAX_CONNECTIONS + " connections"));
				closeQuietly(socket);
				continue;
			}
			ServerConnection connection;
			try {
				connection = new ServerConnection(this, this.connectionIds.get() + 1, socket);
			}
			catch (IOException ex) {
				error(ex);
				closeQuietly(socket);
				continue;
			}
			this.connections.put(connection.id, connection);
			this.connectionIds.incrementAndGet();
			connection.start();
		}
	}

	private static void join(Thread thread, long deadline) {
		if (thread == null) {
			return;
		}
		long remaining = deadline - System.nanoTime();
		try {
			if (remaining > 0) {
				thread.join(Math.max(1, remaining / 1_000_000));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (thread.isAlive()) {
			System.err.println("ScriptedServer: thread " + thread.getName() + " did not stop");
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

	/** Answers the requests of a {@link ScriptedServer}, one at a time per connection. */
	@FunctionalInterface
	public interface Handler {

		void handle(ServerExchange exchange) throws Exception;

	}

	/**
	 * What the server knows of one connection.
	 *
	 * @param clientPort the client's local port: matches
	 * {@code ConnectionInfo.localAddress().getPort()} on the transport's side
	 * @param clientClosed the server read EOF (or a reset) from it
	 * @param serverClosed the handler (or {@link ScriptedServer#close()}) closed it
	 * @param outputShutdown the handler half-closed it
	 */
	public record ConnectionState(int id, int clientPort, int requests, boolean clientClosed, boolean serverClosed,
			boolean outputShutdown) {

		public boolean isOpen() {
			return !this.clientClosed && !this.serverClosed;
		}

		@Override
		public String toString() {
			return "#" + this.id + "(port " + this.clientPort + ", " + this.requests + " req"
					+ (this.clientClosed ? ", closed by client" : "") + (this.serverClosed ? ", closed by server" : "")
					+ (this.outputShutdown ? ", output shut down" : "") + ")";
		}

	}

	/** Options of a {@link ScriptedServer}. */
	public static final class Builder {

		private int backlog = 512;

		private boolean eagerBodies = true;

		private Builder() {
		}

		/**
		 * The listen backlog; small (1) for {@link ScriptedServer#fillAcceptQueue()}.
		 * Default 512.
		 */
		public Builder backlog(int backlog) {
			this.backlog = backlog;
			return this;
		}

		/**
		 * Calls the handler as soon as a request's head is read, leaving its body unread
		 * until the handler asks for it ({@link ServerExchange#body()}) or returns. For
		 * scripting a server that does not read what is sent to it.
		 */
		public Builder lazyBodies() {
			this.eagerBodies = false;
			return this;
		}

		public ScriptedServer start(Handler handler) {
			try {
				return new ScriptedServer(this, handler);
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot listen on 127.0.0.1", ex);
			}
		}

	}

}
