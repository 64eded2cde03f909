package dev.roundtrip.spring.http.client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback server for cookies: {@code /login} sets {@code session=s1},
 * {@code /redirect-login} sets {@code hop=h1} and redirects to {@code /echo},
 * {@code /redirect-elsewhere} redirects to {@code /echo} on 127.0.0.2, every path
 * answers the {@code Cookie} header it got (empty when none), which it also records.
 */
final class CookieServer implements AutoCloseable {

	private final HttpServer server;

	private final List<String> cookies = new CopyOnWriteArrayList<>();

	CookieServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	private void handle(HttpExchange exchange) throws IOException {
		String cookie = exchange.getRequestHeaders().getFirst("Cookie");
		this.cookies.add((cookie != null) ? cookie : "");
		String path = exchange.getRequestURI().getPath();
		if (path.equals("/login")) {
			exchange.getResponseHeaders().add("Set-Cookie", "session=s1; Path=/");
		}
		if (path.equals("/redirect-elsewhere")) {
			// To the same port on 127.0.0.2, which the address filter tests refuse.
			exchange.getResponseHeaders()
				.add("Location", "http://127.0.0.2:" + this.server.getAddress().getPort() + "/echo");
			exchange.sendResponseHeaders(302, -1);
			exchange.close();
			return;
		}
		if (path.equals("/redirect-login")) {
			exchange.getResponseHeaders().add("Set-Cookie", "hop=h1; Path=/");
			exchange.getResponseHeaders().add("Location", "/echo");
			exchange.sendResponseHeaders(302, -1);
			exchange.close();
			return;
		}
		byte[] body = ((cookie != null) ? cookie : "").getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(200, (body.length == 0) ? -1 : body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + path);
	}

	/** The {@code Cookie} header of each request so far, in order. */
	List<String> cookies() {
		return this.cookies;
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
