package dev.roundtrip.transport.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One request being answered by a {@link ScriptedServer}'s handler: read the request,
 * write raw bytes back, and script the connection (delay, hang, half-close, close,
 * reset).
 */
public final class ServerExchange {

	/**
	 * How much a hang may buffer while it watches for the client's EOF before it stops
	 * reading.
	 */
	private static final int WATCH_BUFFER_LIMIT = 1024 * 1024;

	private static final long POLL_MILLIS = 10;

	private final ServerConnection connection;

	private final RecordedRequest request;

	/** -2 chunked, else Content-Length. */
	private final long framing;

	private boolean bodyRead;

	ServerExchange(ServerConnection connection, RecordedRequest request, long framing) {
		this.connection = connection;
		this.request = request;
		this.framing = framing;
	}

	/** The server's id of the connection this request arrived on. */
	public int connectionId() {
		return this.connection.id;
	}

	/** 1 for the first request on this connection, 2 for the next… */
	public int requestIndex() {
		return this.request.indexOnConnection();
	}

	public RecordedRequest request() {
		return this.request;
	}

	public String method() {
		return this.request.method();
	}

	public String target() {
		return this.request.target();
	}

	public String header(String name) {
		return this.request.header(name);
	}

	/** The request body, read now if it was not yet. */
	public byte[] body() throws IOException {
		if (!this.bodyRead) {
			this.bodyRead = true;
			readBody();
		}
		return this.request.body();
	}

	public String bodyText() throws IOException {
		return new String(body(), StandardCharsets.UTF_8);
	}

	/**
	 * Writes {@code text} as ISO-8859-1 bytes (so {@code \r\n} and any octet can be
	 * scripted).
	 */
	public ServerExchange write(String text) throws IOException {
		return write(text.getBytes(StandardCharsets.ISO_8859_1));
	}

	public ServerExchange write(byte[] bytes) throws IOException {
		this.connection.out.write(bytes);
		this.connection.out.flush();
		return this;
	}

	/**
	 * Writes a complete response with a {@code Content-Length} body and any extra header
	 * lines ({@code "Name: value"}).
	 */
	public void respond(int status, String body, String... headerLines) throws IOException {
		respond(status, body.getBytes(StandardCharsets.UTF_8), headerLines);
	}

	public void respond(int status, byte[] body, String... headerLines) throws IOException {
		write(head(status, body.length, headerLines) + "\r\n");
		write(body);
	}

	/**
	 * {@code HTTP/1.1 <status> <reason>\r\nContent-Length: n\r\n} plus the lines, without
	 * the final empty line.
	 */
	public static String head(int status, long contentLength, String... headerLines) {
		StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status)
			.append(' ')
			.append(reason(status))
			.append("\r\n");
		if (contentLength >= 0) {
			head.append("Content-Length: ").append(contentLength).append("\r\n");
		}
		for (String line : headerLines) {
			head.append(line).append("\r\n");
		}
		return head.toString();
	}

	/** Pauses the script: the pace of the response is part of the scenario. */
	public void sleep(Duration duration) throws InterruptedException {
		Thread.sleep(duration.toMillis());
	}

	/**
	 * Waits until {@code release} is counted down, the client closes the connection, or
	 * the server shuts down. While waiting it reads from the socket (keeping what it
	 * reads for later) so that it sees the client's EOF at once. Returns {@code true}
	 * when released, {@code false} when the client closed: the exchange then ends
	 * whatever the handler does next.
	 */
	public boolean hangUntil(CountDownLatch release) throws IOException, InterruptedException {
		ServerConnection c = this.connection;
		c.socket.setSoTimeout((int) POLL_MILLIS);
		try {
			while (!release.await(0, TimeUnit.MILLISECONDS)) {
				checkNotShutdown();
				if (c.in.buffered() >= WATCH_BUFFER_LIMIT) {
					release.await(POLL_MILLIS, TimeUnit.MILLISECONDS);
					continue;
				}
				try {
					if (!c.in.fill()) {
						c.markClientClosed();
						return false;
					}
				}
				catch (SocketTimeoutException stillOpen) {
					// nothing from the client: wait on
				}
			}
			return true;
		}
		finally {
			if (!c.socket.isClosed()) {
				c.socket.setSoTimeout(0);
			}
		}
	}

	/**
	 * Waits until {@code release} is counted down or the server shuts down, reading
	 * nothing: the client's writes back up. Afterwards the exchange goes on as usual (the
	 * rest of the body is read when the handler returns).
	 */
	public void stallUntil(CountDownLatch release) throws InterruptedException {
		while (!release.await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
			checkNotShutdown();
		}
	}

	/** Closes the connection (FIN); the server will read no more from it. */
	public void close() {
		this.connection.closeByServer();
	}

	/**
	 * Half-closes: sends FIN but keeps reading, so the server still sees what the client
	 * sends and when it closes.
	 */
	public void shutdownOutput() throws IOException {
		this.connection.shutdownOutput();
	}

	/** Closes with a TCP reset (SO_LINGER 0). */
	public void reset() throws IOException {
		this.connection.socket.setSoLinger(true, 0);
		this.connection.closeByServer();
	}

	/** Reads whatever is left of the request body (called when the handler returns). */
	void finishBody() throws IOException {
		body();
	}

	private void readBody() throws IOException {
		ServerConnection.Input in = this.connection.in;
		ByteArrayOutputStream sink = new ByteArrayOutputStream();
		List<String[]> trailers = new ArrayList<>();
		long keep = ScriptedServer.MAX_RECORDED_BODY_BYTES;
		if (this.framing == -2) {
			while (true) {
				String sizeLine = in.readLine(4096);
				if (sizeLine == null) {
					throw new java.io.EOFException("EOF before a chunk size");
				}
				int semicolon = sizeLine.indexOf(';');
				String hex = ((semicolon >= 0) ? sizeLine.substring(0, semicolon) : sizeLine).trim();
				long size;
				try {
					size = Long.parseLong(hex, 16);
				}
				catch (NumberFormatException ex) {
					throw new IOException("Bad chunk size line: " + sizeLine);
				}
				if (size == 0) {
					while (true) {
						String line = in.readLine(ScriptedServer.MAX_HEAD_BYTES);
						if (line == null) {
							throw new java.io.EOFException("EOF in trailers");
						}
						if (line.isEmpty()) {
							break;
						}
						int colon = line.indexOf(':');
						trailers.add(new String[] { line.substring(0, Math.max(colon, 0)),
								(colon >= 0) ? line.substring(colon + 1).trim() : line });
					}
					break;
				}
				in.readExactly(size, sink, keep);
				String crlf = in.readLine(2);
				if (crlf == null || !crlf.isEmpty()) {
					throw new IOException("Chunk not followed by CRLF");
				}
			}
		}
		else if (this.framing > 0) {
			in.readExactly(this.framing, sink, keep);
		}
		this.request.body(sink.toByteArray(), trailers);
	}

	private void checkNotShutdown() {
		if (this.connection.server.isClosed()) {
			throw new ServerShutdown();
		}
	}

	private static String reason(int status) {
		return switch (status) {
			case 100 -> "Continue";
			case 103 -> "Early Hints";
			case 200 -> "OK";
			case 204 -> "No Content";
			case 304 -> "Not Modified";
			case 400 -> "Bad Request";
			case 404 -> "Not Found";
			case 408 -> "Request Timeout";
			case 500 -> "Internal Server Error";
			case 503 -> "Service Unavailable";
			default -> "Status " + status;
		};
	}

	/** Unwinds a handler when the server is closed under it. */
	static final class ServerShutdown extends RuntimeException {

		private static final long serialVersionUID = 1L;

		ServerShutdown() {
			super("ScriptedServer closed", null, false, false);
		}

	}

}
