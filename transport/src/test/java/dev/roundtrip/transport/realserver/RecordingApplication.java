package dev.roundtrip.transport.realserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real servers' application, written once against {@link Exchange} and run unchanged
 * on each server through a thin adapter ({@link RecordingServlet} on Tomcat,
 * {@link JettyServer}'s handler, {@link UndertowServer}'s handler; nginx proxies to one).
 * One route per behaviour. It records the connection of every request it serves, so a
 * test can count TCP connections from the server's side as well as from the transport's
 * listener, and counts the ids of {@code /post} requests, so a test can tell a request
 * received twice.
 *
 * <ul>
 * <li>{@code /hello/...}: {@code hello <path>} with a {@code Content-Length}.</li>
 * <li>{@code /bytes/N}: {@link Payloads#text(int, long)} of {@code N} bytes (seed
 * {@code N}) as {@code application/octet-stream} (which no server compresses) with a
 * {@code Content-Length}; on {@code HEAD} the headers only.</li>
 * <li>{@code /text/N}: the same bytes as {@code text/plain}, which the servers compress
 * themselves when the request allows gzip.</li>
 * <li>{@code /chunked?pieces=N&size=M}: {@link Payloads#text} of {@code N*M} bytes (seed
 * {@code N}), written in {@code N} flushed pieces with no length, so the server sends it
 * chunked.</li>
 * <li>{@code /gzip?size=M&length=known|unknown}: {@link Payloads#text} of {@code M} bytes
 * (seed {@code M}), gzipped by the application with {@code Content-Encoding: gzip} when
 * {@code Accept-Encoding} allows it, else as it is; the request's {@code Accept-Encoding}
 * comes back in {@code X-Seen-Accept-Encoding}.</li>
 * <li>{@code /status/204}: {@code 204 No Content}.</li>
 * <li>{@code /etag}: {@value #ETAG_BODY} with {@code ETag: "v1"}, or {@code 304 Not
 * Modified} with no body when {@code If-None-Match} names that tag.</li>
 * <li>{@code /echo}: the request body, read to its end, with a {@code Content-Length};
 * the request's framing headers come back in {@code X-Seen-Content-Length},
 * {@code X-Seen-Transfer-Encoding} and {@code X-Seen-Expect} ({@code null} when
 * absent).</li>
 * <li>{@code /post?id=X}: reads the body, counts {@code X}, answers
 * {@code received X}.</li>
 * <li>{@code /reject}: 401 without reading the request body.</li>
 * </ul>
 *
 * <p>
 * Behind nginx the application sees nginx's connections and requests, not the client's,
 * so nginx passes what it received in {@code X-Client-*} headers, bracketed so that an
 * absent header still arrives ({@code []}): {@code X-Client-Connection} (nginx's serial
 * number of the client's connection), {@code X-Client-Content-Length},
 * {@code X-Client-Transfer-Encoding} and {@code X-Client-Expect}. Where they are present
 * they are what the application records and reports.
 */
public final class RecordingApplication {

	/** The body of {@code /etag}'s 200 answer. */
	public static final String ETAG_BODY = "tagged v1";

	private final Map<Integer, AtomicInteger> requestsByConnection = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> postsById = new ConcurrentHashMap<>();

	private final AtomicInteger requests = new AtomicInteger();

	/** Forgets what was recorded, before a test. */
	public void reset() {
		this.requestsByConnection.clear();
		this.postsById.clear();
		this.requests.set(0);
	}

	/** Requests served since the last {@link #reset()}. */
	public int requests() {
		return this.requests.get();
	}

	/**
	 * The connections requests came on since the last reset, with how many each: one
	 * entry per TCP connection, keyed by the client port (behind nginx: nginx's serial
	 * number of the client's connection).
	 */
	public Map<Integer, Integer> requestsByConnection() {
		Map<Integer, Integer> copy = new TreeMap<>();
		this.requestsByConnection.forEach((connection, count) -> copy.put(connection, count.get()));
		return copy;
	}

	/** How many times each {@code /post} id was received since the last reset. */
	public Map<String, Integer> postsById() {
		Map<String, Integer> copy = new TreeMap<>();
		this.postsById.forEach((id, count) -> copy.put(id, count.get()));
		return copy;
	}

	/** Serves one request. */
	public void handle(Exchange exchange) throws IOException {
		String clientConnection = fromClient(exchange, "X-Client-Connection");
		int connection = (clientConnection != null) ? Integer.parseInt(clientConnection) : exchange.remotePort();
		this.requestsByConnection.computeIfAbsent(connection, (key) -> new AtomicInteger()).incrementAndGet();
		this.requests.incrementAndGet();
		String path = exchange.path();
		if (path.startsWith("/hello/")) {
			respond(exchange, 200, "text/plain", ("hello " + path).getBytes(StandardCharsets.UTF_8));
		}
		else if (path.startsWith("/bytes/")) {
			respond(exchange, 200, "application/octet-stream", sized(path));
		}
		else if (path.startsWith("/text/")) {
			respond(exchange, 200, "text/plain", sized(path));
		}
		else if (path.equals("/chunked")) {
			chunked(exchange);
		}
		else if (path.equals("/gzip")) {
			gzip(exchange);
		}
		else if (path.equals("/status/204")) {
			exchange.status(204);
		}
		else if (path.equals("/etag")) {
			exchange.header("ETag", "\"v1\"");
			if ("\"v1\"".equals(exchange.header("If-None-Match"))) {
				exchange.status(304);
			}
			else {
				respond(exchange, 200, "text/plain", ETAG_BODY.getBytes(StandardCharsets.UTF_8));
			}
		}
		else if (path.equals("/echo")) {
			echo(exchange);
		}
		else if (path.equals("/post")) {
			post(exchange);
		}
		else if (path.equals("/reject")) {
			respond(exchange, 401, "text/plain", "no body wanted".getBytes(StandardCharsets.UTF_8));
		}
		else {
			respond(exchange, 404, "text/plain", ("no route " + path).getBytes(StandardCharsets.UTF_8));
		}
	}

	private static byte[] sized(String path) {
		int size = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
		return Payloads.text(size, size);
	}

	private static void chunked(Exchange exchange) throws IOException {
		int pieces = Integer.parseInt(exchange.query("pieces"));
		int size = Integer.parseInt(exchange.query("size"));
		byte[] body = Payloads.text(pieces * size, pieces);
		exchange.status(200);
		exchange.header("Content-Type", "application/octet-stream");
		OutputStream out = exchange.responseBody();
		for (int i = 0; i < pieces; i++) {
			out.write(body, i * size, size);
			// Each flush sends what was written as a chunk of its own.
			out.flush();
		}
	}

	private static void gzip(Exchange exchange) throws IOException {
		int size = Integer.parseInt(exchange.query("size"));
		boolean knownLength = "known".equals(exchange.query("length"));
		byte[] body = Payloads.text(size, size);
		String acceptEncoding = exchange.header("Accept-Encoding");
		exchange.status(200);
		exchange.header("Content-Type", "text/plain");
		exchange.header("X-Seen-Accept-Encoding", String.valueOf(acceptEncoding));
		if (acceptEncoding != null && acceptEncoding.toLowerCase(Locale.ROOT).contains("gzip")) {
			body = Payloads.gzip(body);
			exchange.header("Content-Encoding", "gzip");
		}
		if (knownLength) {
			exchange.header("Content-Length", String.valueOf(body.length));
			exchange.responseBody().write(body);
		}
		else {
			OutputStream out = exchange.responseBody();
			int half = body.length / 2;
			out.write(body, 0, half);
			out.flush();
			out.write(body, half, body.length - half);
		}
	}

	private static void echo(Exchange exchange) throws IOException {
		byte[] body = readBody(exchange);
		exchange.header("X-Seen-Content-Length", seen(exchange, "Content-Length"));
		exchange.header("X-Seen-Transfer-Encoding", seen(exchange, "Transfer-Encoding"));
		exchange.header("X-Seen-Expect", seen(exchange, "Expect"));
		respond(exchange, 200, "application/octet-stream", body);
	}

	private void post(Exchange exchange) throws IOException {
		readBody(exchange);
		String id = exchange.query("id");
		this.postsById.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
		respond(exchange, 200, "application/octet-stream", ("received " + id).getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] readBody(Exchange exchange) throws IOException {
		try (InputStream in = exchange.requestBody()) {
			return in.readAllBytes();
		}
	}

	/**
	 * A request header as the client sent it: nginx's {@code X-Client-} copy if there is
	 * one, else the header itself; {@code "null"} if absent.
	 */
	private static String seen(Exchange exchange, String name) {
		String forwarded = exchange.header("X-Client-" + name);
		if (forwarded != null) {
			String value = fromClient(exchange, "X-Client-" + name);
			return String.valueOf(value);
		}
		return String.valueOf(exchange.header(name));
	}

	/** A bracketed {@code X-Client-*} header's value, or null if absent or empty. */
	private static String fromClient(Exchange exchange, String name) {
		String value = exchange.header(name);
		if (value == null || value.length() < 2 || !value.startsWith("[") || !value.endsWith("]")) {
			return null;
		}
		String inner = value.substring(1, value.length() - 1);
		return inner.isEmpty() ? null : inner;
	}

	/**
	 * Answers with {@code body} and its {@code Content-Length}; on {@code HEAD}, the
	 * headers only.
	 */
	private static void respond(Exchange exchange, int status, String contentType, byte[] body) throws IOException {
		exchange.status(status);
		exchange.header("Content-Type", contentType);
		exchange.header("Content-Length", String.valueOf(body.length));
		if (!exchange.method().equals("HEAD")) {
			exchange.responseBody().write(body);
		}
	}

	/** Parses {@code name=value&...} into its first value for {@code name}. */
	static String queryParameter(String rawQuery, String name) {
		if (rawQuery == null) {
			return null;
		}
		for (String pair : rawQuery.split("&")) {
			int equals = pair.indexOf('=');
			String key = (equals < 0) ? pair : pair.substring(0, equals);
			if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
				return (equals < 0) ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
			}
		}
		return null;
	}

	/**
	 * One request and its response, as each server's adapter shows them to the
	 * application.
	 */
	public interface Exchange {

		String method();

		/** The request path, without the query. */
		String path();

		/** The raw query string, or null. */
		String rawQuery();

		/** A request header's first value, or null. */
		String header(String name);

		/** The client's port, as the server saw it. */
		int remotePort();

		InputStream requestBody() throws IOException;

		void status(int status);

		/** Sets a response header; before the body is written. */
		void header(String name, String value);

		/**
		 * The response body; what is flushed before the end goes out (as a chunk when
		 * there is no length).
		 */
		OutputStream responseBody() throws IOException;

		default String query(String name) {
			return queryParameter(rawQuery(), name);
		}

	}

}
