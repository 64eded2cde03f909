package dev.roundtrip.transport.realserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The real servers' application: a plain servlet with one route per behaviour, which
 * records the client port of every request it serves, so a test can count the TCP
 * connections from the server's side ({@code request.getRemotePort()}) as well as from
 * the transport's listener.
 *
 * <ul>
 * <li>{@code /hello/...}: {@code hello <path>} with a {@code Content-Length}.</li>
 * <li>{@code /chunked?pieces=N&size=M}: {@link Payloads#text(int, long)} of {@code N*M}
 * bytes (seed {@code N}), written in {@code N} flushed pieces with no length, so Tomcat
 * sends it chunked.</li>
 * <li>{@code /gzip?size=M&length=known|unknown}: {@link Payloads#text} of {@code M} bytes
 * (seed {@code M}), gzipped with {@code Content-Encoding: gzip} when
 * {@code Accept-Encoding} allows it, else as it is; the request's {@code Accept-Encoding}
 * comes back in {@code X-Seen-Accept-Encoding}.</li>
 * <li>{@code /echo}: the request body, read to its end, with a {@code Content-Length};
 * the request's framing headers come back in {@code X-Seen-Content-Length},
 * {@code X-Seen-Transfer-Encoding} and {@code X-Seen-Expect}.</li>
 * <li>{@code /reject}: 401 without reading the request body.</li>
 * </ul>
 */
public final class RecordingServlet extends HttpServlet {

	private static final long serialVersionUID = 1L;

	private final Map<Integer, AtomicInteger> requestsByClientPort = new ConcurrentHashMap<>();

	private final AtomicInteger requests = new AtomicInteger();

	/** Forgets what was recorded, before a test. */
	public void reset() {
		this.requestsByClientPort.clear();
		this.requests.set(0);
	}

	/** Requests served since the last {@link #reset()}. */
	public int requests() {
		return this.requests.get();
	}

	/**
	 * The client ports requests came from since the last reset, with how many each: one
	 * entry per TCP connection.
	 */
	public Map<Integer, Integer> requestsByClientPort() {
		Map<Integer, Integer> copy = new TreeMap<>();
		this.requestsByClientPort.forEach((port, count) -> copy.put(port, count.get()));
		return copy;
	}

	@Override
	protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
		this.requestsByClientPort.computeIfAbsent(request.getRemotePort(), (port) -> new AtomicInteger())
			.incrementAndGet();
		this.requests.incrementAndGet();
		String path = request.getRequestURI();
		if (path.startsWith("/hello/")) {
			byte[] body = ("hello " + path).getBytes(StandardCharsets.UTF_8);
			response.setContentType("text/plain");
			response.setContentLength(body.length);
			response.getOutputStream().write(body);
		}
		else if (path.equals("/chunked")) {
			chunked(request, response);
		}
		else if (path.equals("/gzip")) {
			gzip(request, response);
		}
		else if (path.equals("/echo")) {
			echo(request, response);
		}
		else if (path.equals("/reject")) {
			response.setStatus(401);
			response.setContentType("text/plain");
			byte[] body = "no body wanted".getBytes(StandardCharsets.UTF_8);
			response.setContentLength(body.length);
			response.getOutputStream().write(body);
		}
		else {
			response.sendError(404);
		}
	}

	private static void chunked(HttpServletRequest request, HttpServletResponse response) throws IOException {
		int pieces = Integer.parseInt(request.getParameter("pieces"));
		int size = Integer.parseInt(request.getParameter("size"));
		byte[] body = Payloads.text(pieces * size, pieces);
		response.setContentType("application/octet-stream");
		OutputStream out = response.getOutputStream();
		for (int i = 0; i < pieces; i++) {
			out.write(body, i * size, size);
			// Each flush sends what was written as a chunk of its own.
			out.flush();
		}
	}

	private static void gzip(HttpServletRequest request, HttpServletResponse response) throws IOException {
		int size = Integer.parseInt(request.getParameter("size"));
		boolean knownLength = "known".equals(request.getParameter("length"));
		byte[] body = Payloads.text(size, size);
		String acceptEncoding = request.getHeader("Accept-Encoding");
		response.setContentType("text/plain");
		response.setHeader("X-Seen-Accept-Encoding", String.valueOf(acceptEncoding));
		if (acceptEncoding != null && acceptEncoding.toLowerCase(Locale.ROOT).contains("gzip")) {
			body = Payloads.gzip(body);
			response.setHeader("Content-Encoding", "gzip");
		}
		if (knownLength) {
			response.setContentLength(body.length);
			response.getOutputStream().write(body);
		}
		else {
			OutputStream out = response.getOutputStream();
			int half = body.length / 2;
			out.write(body, 0, half);
			out.flush();
			out.write(body, half, body.length - half);
		}
	}

	private static void echo(HttpServletRequest request, HttpServletResponse response) throws IOException {
		byte[] body;
		try (InputStream in = request.getInputStream()) {
			body = in.readAllBytes();
		}
		response.setContentType("application/octet-stream");
		response.setHeader("X-Seen-Content-Length", String.valueOf(request.getHeader("Content-Length")));
		response.setHeader("X-Seen-Transfer-Encoding", String.valueOf(request.getHeader("Transfer-Encoding")));
		response.setHeader("X-Seen-Expect", String.valueOf(request.getHeader("Expect")));
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

}
