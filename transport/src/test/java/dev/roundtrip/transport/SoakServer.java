package dev.roundtrip.transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32;

import javax.net.ssl.SSLContext;

import dev.roundtrip.transport.testing.RawServer;
import dev.roundtrip.transport.testing.ServerExchange;

/**
 * The server side of {@link SoakTests}: a {@link RawServer} (plain or TLS) whose handler
 * answers each request as its path says ({@code /<kind>/<size>/<offset>/<chunked>}), with
 * a healthy response or a fault, and counts the connections open at the server.
 *
 * <p>
 * A connection counts as open from the moment its handler starts until the handler sees
 * the client's EOF or reset, or closes it itself. The server notices a client's close a
 * little after the client made it, so a count over the ceiling is only a suspicion: the
 * kernel's TCP table, which shows the client's FIN at once ({@code CLOSE_WAIT}), decides.
 * Every handler that waits for something reads from the socket while it waits, so it sees
 * the client's close at once.
 */
final class SoakServer implements RawServer.Handler, AutoCloseable {

	/** Body bytes: every response is a slice of this, so the client can check it. */
	static final byte[] PATTERN = new byte[(1 << 20) + (64 << 10)];

	static {
		new SplittableRandom(0x5eed).nextBytes(PATTERN);
	}

	/** How long a stalled handler waits for the client to give up and close. */
	private static final Duration CLIENT_CLOSE_BOUND = Duration.ofSeconds(30);

	/** How long a suspicion may take to clear before the kernel table is read. */
	private static final long SUSPICION_NANOS = Duration.ofMillis(50).toNanos();

	private final int ceiling;

	private final RawServer server;

	private final AtomicInteger open = new AtomicInteger();

	private final AtomicInteger peak = new AtomicInteger();

	private final AtomicInteger suspicions = new AtomicInteger();

	private final AtomicInteger kernelPeak = new AtomicInteger();

	private final List<String> violations = new CopyOnWriteArrayList<>();

	/** The client ports of the connections whose handler runs. */
	private final Set<Integer> running = ConcurrentHashMap.newKeySet();

	private SoakServer(int ceiling, SSLContext tls) {
		this.ceiling = ceiling;
		this.server = (tls != null) ? RawServer.startTls(tls, this) : RawServer.start(this);
	}

	/** A plain server; more than {@code ceiling} open connections is a violation. */
	static SoakServer plain(int ceiling) {
		return new SoakServer(ceiling, null);
	}

	/** A TLS server with the key material of {@code context}. */
	static SoakServer tls(int ceiling, SSLContext context) {
		return new SoakServer(ceiling, context);
	}

	/** The response bytes for {@code size} bytes from {@code offset}. */
	static long crc(int offset, int size) {
		CRC32 crc = new CRC32();
		crc.update(PATTERN, offset, size);
		return crc.getValue();
	}

	URI uri(String scheme, SoakTests.Kind kind, int size, int offset, boolean chunked) {
		return this.server.uri(scheme,
				"/" + kind.name().toLowerCase(Locale.ROOT) + "/" + size + "/" + offset + "/" + (chunked ? 1 : 0));
	}

	int port() {
		return this.server.port();
	}

	/** Connections whose handler is still running. */
	int open() {
		return this.open.get();
	}

	int peak() {
		return this.peak.get();
	}

	/** Times the count went over the ceiling and the kernel table was read. */
	int suspicions() {
		return this.suspicions.get();
	}

	/** The most client ends ESTABLISHED the kernel showed when it was read. */
	int kernelPeak() {
		return this.kernelPeak.get();
	}

	int accepted() {
		return this.server.acceptedConnections();
	}

	List<String> violations() {
		return List.copyOf(this.violations);
	}

	List<Throwable> errors() {
		return this.server.errors();
	}

	@Override
	public void close() {
		this.server.close();
	}

	@Override
	public void handle(RawServer.Conn conn) throws Exception {
		int clientPort = conn.socket().getPort();
		this.running.add(clientPort);
		int now = this.open.incrementAndGet();
		this.peak.accumulateAndGet(now, Math::max);
		try {
			if (now > this.ceiling) {
				checkCeiling();
			}
			List<String> head;
			while ((head = conn.readHead()) != null) {
				if (!serve(conn, head)) {
					return;
				}
			}
		}
		finally {
			this.open.decrementAndGet();
			this.running.remove(clientPort);
		}
	}

	/** Answers one request; false when the connection is over. */
	private boolean serve(RawServer.Conn conn, List<String> head) throws IOException {
		String[] path = head.get(0).split(" ")[1].split("/");
		SoakTests.Kind kind = SoakTests.Kind.valueOf(path[1].toUpperCase(Locale.ROOT));
		int size = Integer.parseInt(path[2]);
		int offset = Integer.parseInt(path[3]);
		boolean chunked = path[4].equals("1");
		String contentLength = RawServer.header(head, "Content-Length");
		byte[] requestBody = (contentLength != null) ? conn.readBytes(Integer.parseInt(contentLength)) : new byte[0];
		switch (kind) {
			case READ_TO_EOF, CLOSE_EARLY, ONE_MB -> writeBody(conn, offset, size, chunked, 0);
			case CANCEL -> writeBody(conn, offset, size, chunked, Duration.ofMillis(1).toNanos());
			case POST_ECHO -> {
				conn.write(ServerExchange.head(200, requestBody.length) + "\r\n");
				conn.write(requestBody);
			}
			case RESET_MID_BODY -> {
				conn.write(ServerExchange.head(200, size) + "\r\n");
				conn.out().write(PATTERN, offset, size / 2);
				conn.out().flush();
				conn.socket().setSoLinger(true, 0);
				conn.close();
				return false;
			}
			case CLOSE_AFTER_HEADERS -> {
				conn.write(chunked ? ServerExchange.head(200, -1, "Transfer-Encoding: chunked") + "\r\n"
						: ServerExchange.head(200, size) + "\r\n");
				conn.close();
				return false;
			}
			case TIMEOUT -> {
				conn.readUntilEof(CLIENT_CLOSE_BOUND);
				return false;
			}
			case STALL -> {
				conn.write(ServerExchange.head(200, size) + "\r\n");
				conn.out().write(PATTERN, offset, size / 4);
				conn.out().flush();
				conn.readUntilEof(CLIENT_CLOSE_BOUND);
				return false;
			}
		}
		return true;
	}

	/**
	 * Writes {@code size} bytes of the pattern from {@code offset}, in sixteen pieces
	 * with {@code pauseNanos} between them (the pace of the scenario).
	 */
	private static void writeBody(RawServer.Conn conn, int offset, int size, boolean chunked, long pauseNanos)
			throws IOException {
		conn.write(chunked ? ServerExchange.head(200, -1, "Transfer-Encoding: chunked") + "\r\n"
				: ServerExchange.head(200, size) + "\r\n");
		int piece = Math.max(1, (size + 15) / 16);
		for (int done = 0; done < size; done += piece) {
			int n = Math.min(piece, size - done);
			if (chunked) {
				conn.out()
					.write((Integer.toHexString(n) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
				conn.out().write(PATTERN, offset + done, n);
				conn.out().write('\r');
				conn.out().write('\n');
			}
			else {
				conn.out().write(PATTERN, offset + done, n);
			}
			if (pauseNanos > 0) {
				conn.out().flush();
				LockSupport.parkNanos(pauseNanos);
			}
		}
		if (chunked) {
			conn.write("0\r\n\r\n");
		}
		conn.out().flush();
	}

	/**
	 * More handlers run than the ceiling allows: give the others a moment to notice
	 * closes the client already made, then ask the kernel.
	 */
	private void checkCeiling() {
		long deadline = System.nanoTime() + SUSPICION_NANOS;
		while (this.open.get() > this.ceiling) {
			if (System.nanoTime() - deadline > 0) {
				this.suspicions.incrementAndGet();
				checkKernel("with " + this.open.get() + " handlers running");
				return;
			}
			LockSupport.parkNanos(1_000_000);
		}
	}

	/**
	 * Asks the kernel which of the connections whose handler runs are still open at the
	 * client's end; more than the ceiling is a violation. The client's end of a loopback
	 * connection leaves ESTABLISHED within the {@code close()} or
	 * {@code shutdownOutput()} call itself, while the server's end lags until the FIN is
	 * processed, later on a busy machine: so the client's ends decide. Reading the table
	 * takes a while and is no snapshot, but only connections that existed before it was
	 * read are counted, and a socket never returns to ESTABLISHED: each one counted was
	 * open when the read began, so the count is exact for them (and misses only dials the
	 * server has not accepted yet).
	 */
	void checkKernel(String when) {
		Set<Integer> ports = Set.copyOf(this.running);
		int established = clientEndsEstablished(port(), ports);
		this.kernelPeak.accumulateAndGet(established, Math::max);
		if (established > this.ceiling) {
			this.violations.add(established + " client ends ESTABLISHED at once " + when + " (of " + ports.size()
					+ " connections with a running handler), ceiling " + this.ceiling);
		}
	}

	/**
	 * How many sockets connected to {@code serverPort} from one of {@code clientPorts}
	 * the kernel shows ESTABLISHED, from {@code /proc/net/tcp} and {@code /proc/net/tcp6}
	 * (Java's sockets are IPv6 ones, even on 127.0.0.1); -1 where the tables cannot be
	 * read.
	 */
	static int clientEndsEstablished(int serverPort, Set<Integer> clientPorts) {
		String suffix = ":" + String.format(Locale.ROOT, "%04X", serverPort);
		int[] established = { 0 };
		boolean read = false;
		for (String table : new String[] { "/proc/net/tcp", "/proc/net/tcp6" }) {
			// Not Files.lines: it maps the file by its size, and /proc files have none.
			try (BufferedReader reader = Files.newBufferedReader(Path.of(table))) {
				reader.lines().skip(1).map((line) -> line.trim().split("\\s+")).forEach((fields) -> {
					if (fields.length > 3 && fields[3].equals("01") && fields[2].endsWith(suffix)) {
						String local = fields[1];
						int port = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16);
						if (clientPorts.contains(port)) {
							established[0]++;
						}
					}
				});
				read = true;
			}
			catch (IOException | RuntimeException ex) {
				// not on this machine
			}
		}
		return read ? established[0] : -1;
	}

}
