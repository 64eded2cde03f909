package dev.roundtrip.transport.realserver;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.Version;
import io.undertow.predicate.Predicates;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.HttpContinueReadHandler;
import io.undertow.server.handlers.encoding.ContentEncodingRepository;
import io.undertow.server.handlers.encoding.EncodingHandler;
import io.undertow.server.handlers.encoding.GzipEncodingProvider;
import io.undertow.util.HttpString;

import dev.roundtrip.transport.testing.TestCertificates;

/**
 * Undertow on {@code 127.0.0.1}, no servlets: {@link RecordingApplication} as a plain
 * {@link HttpHandler}, behind Undertow's own {@link HttpContinueReadHandler} (which
 * answers {@code Expect: 100-continue} when the body is first read) and
 * {@link EncodingHandler} (gzip for {@code text/plain}), on a plain listener and a TLS
 * one. Its keep-alive timeout is {@link UndertowOptions#NO_REQUEST_TIMEOUT}: how long a
 * connection may wait for its next request.
 */
public final class UndertowServer implements AutoCloseable {

	// Held so that the levels set below are not lost when the loggers are collected.
	private static final List<Logger> QUIET = List.of(Logger.getLogger("io.undertow"), Logger.getLogger("org.xnio"),
			Logger.getLogger("org.jboss"));

	/** What Undertow adds to its no-request timeout when it schedules the check. */
	private static final long UNDERTOW_TIMER_SLACK_MILLIS = 50;

	private final Undertow undertow;

	private final int port;

	private final int tlsPort;

	private UndertowServer(Undertow undertow, int port, int tlsPort) {
		this.undertow = undertow;
		this.port = port;
		this.tlsPort = tlsPort;
	}

	/**
	 * Starts Undertow running {@code application}, closing connections that wait
	 * {@code keepAliveTimeout} for a request, with TLS presenting the certificate of
	 * {@code keyStore}.
	 */
	public static UndertowServer start(RecordingApplication application, Duration keepAliveTimeout, KeyStore keyStore) {
		QUIET.forEach((logger) -> logger.setLevel(Level.WARNING));
		HttpHandler gzip = new EncodingHandler(new ApplicationHandler(application),
				new ContentEncodingRepository().addEncodingHandler("gzip", new GzipEncodingProvider(), 50,
						Predicates.parse("regex(pattern='text/plain.*', value=%{o,Content-Type}, full-match=true)")));
		Undertow undertow = Undertow.builder()
			.setIoThreads(1)
			.setWorkerThreads(16)
			.addHttpListener(0, "127.0.0.1")
			.addHttpsListener(0, "127.0.0.1", TestCertificates.serverContext(keyStore))
			.setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, (int) noRequestTimeout(keepAliveTimeout))
			.setHandler(new HttpContinueReadHandler(gzip))
			.build();
		undertow.start();
		int port = 0;
		int tlsPort = 0;
		for (Undertow.ListenerInfo listener : undertow.getListenerInfo()) {
			int bound = ((InetSocketAddress) listener.getAddress()).getPort();
			if (listener.getProtcol().equals("https")) {
				tlsPort = bound;
			}
			else {
				port = bound;
			}
		}
		return new UndertowServer(undertow, port, tlsPort);
	}

	/**
	 * The {@code NO_REQUEST_TIMEOUT} that makes Undertow close an idle connection after
	 * about {@code keepAliveTimeout}: its timer fires 50 ms after the timeout (and, once
	 * a connection has been idle before, up to that much more), so a short timeout is
	 * asked for 50 ms early.
	 */
	private static long noRequestTimeout(Duration keepAliveTimeout) {
		long millis = keepAliveTimeout.toMillis();
		return (millis >= 1000) ? millis : Math.max(1, millis - UNDERTOW_TIMER_SLACK_MILLIS);
	}

	/** {@code Undertow 2.3.x}. */
	public static String version() {
		return "Undertow " + Version.getVersionString();
	}

	public URI uri(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + this.port + pathAndQuery);
	}

	public URI httpsUri(String pathAndQuery) {
		return URI.create("https://127.0.0.1:" + this.tlsPort + pathAndQuery);
	}

	@Override
	public void close() {
		this.undertow.stop();
	}

	/**
	 * The application as a handler that leaves the I/O thread for a worker, where it may
	 * block.
	 */
	private static final class ApplicationHandler implements HttpHandler {

		private final RecordingApplication application;

		ApplicationHandler(RecordingApplication application) {
			this.application = application;
		}

		@Override
		public void handleRequest(HttpServerExchange exchange) throws Exception {
			if (exchange.isInIoThread()) {
				exchange.dispatch(this);
				return;
			}
			exchange.startBlocking();
			this.application.handle(new RecordingApplication.Exchange() {

				@Override
				public String method() {
					return exchange.getRequestMethod().toString();
				}

				@Override
				public String path() {
					return exchange.getRequestPath();
				}

				@Override
				public String rawQuery() {
					String query = exchange.getQueryString();
					return (query == null || query.isEmpty()) ? null : query;
				}

				@Override
				public String header(String name) {
					return exchange.getRequestHeaders().getFirst(name);
				}

				@Override
				public int remotePort() {
					return exchange.getSourceAddress().getPort();
				}

				@Override
				public InputStream requestBody() {
					return exchange.getInputStream();
				}

				@Override
				public void status(int status) {
					exchange.setStatusCode(status);
				}

				@Override
				public void header(String name, String value) {
					exchange.getResponseHeaders().put(HttpString.tryFromString(name), value);
				}

				@Override
				public OutputStream responseBody() {
					return exchange.getOutputStream();
				}

			});
			exchange.endExchange();
		}

	}

}
