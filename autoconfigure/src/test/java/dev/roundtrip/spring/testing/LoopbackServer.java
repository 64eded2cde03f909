package dev.roundtrip.spring.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * A keep-alive HTTP/1.1 server on 127.0.0.1 for tests that need a real {@code Transport}
 * and nothing of Spring: {@code /hello} answers at once, {@code /slow} when
 * {@link #release()} is called (or after five seconds). Plain HTTP, or HTTPS with an
 * {@link SSLContext} such as {@link TestCertificates#serverContext()}.
 */
public final class LoopbackServer implements AutoCloseable {

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private volatile CountDownLatch gate = new CountDownLatch(1);

	private final CountDownLatch slowArrived = new CountDownLatch(1);

	private final String scheme;

	public LoopbackServer() throws IOException {
		this(null);
	}

	public LoopbackServer(SSLContext tls) throws IOException {
		InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
		if (tls != null) {
			HttpsServer https = HttpsServer.create(address, 50);
			https.setHttpsConfigurator(new HttpsConfigurator(tls));
			this.server = https;
			this.scheme = "https";
		}
		else {
			this.server = HttpServer.create(address, 50);
			this.scheme = "http";
		}
		this.server.setExecutor(this.executor);
		this.server.createContext("/hello", (exchange) -> respond(exchange, "Hello"));
		this.server.createContext("/slow", (exchange) -> {
			this.slowArrived.countDown();
			try {
				this.gate.await(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			respond(exchange, "slow");
		});
		this.server.start();
	}

	private static void respond(HttpExchange exchange, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getRequestBody().readAllBytes();
		exchange.sendResponseHeaders(200, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	public int port() {
		return this.server.getAddress().getPort();
	}

	/**
	 * {@code http://127.0.0.1:port/path}, or {@code https://localhost:port/path}, the
	 * name in the certificate.
	 */
	public URI uri(String path) {
		return URI.create(
				this.scheme + "://" + ("https".equals(this.scheme) ? "localhost" : "127.0.0.1") + ":" + port() + path);
	}

	/** Waits (five seconds at most) until a {@code /slow} request has arrived. */
	public boolean awaitSlowRequest() throws InterruptedException {
		return this.slowArrived.await(5, TimeUnit.SECONDS);
	}

	/** Lets every {@code /slow} request held so far answer. */
	public void release() {
		this.gate.countDown();
	}

	@Override
	public void close() {
		release();
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
