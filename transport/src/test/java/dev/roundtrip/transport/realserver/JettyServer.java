package dev.roundtrip.transport.realserver;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.security.KeyStore;
import java.time.Duration;

import org.eclipse.jetty.compression.gzip.GzipCompression;
import org.eclipse.jetty.compression.server.CompressionConfig;
import org.eclipse.jetty.compression.server.CompressionHandler;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Jetty;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import dev.roundtrip.transport.testing.TestCertificates;

/**
 * Jetty 12 on {@code 127.0.0.1}, no servlets: {@link RecordingApplication} as a plain
 * core {@link Handler} behind Jetty's own {@link CompressionHandler} (gzip for
 * {@code text/plain}), on a plain connector and a TLS one, both with the given idle
 * timeout (which is Jetty's keep-alive timeout).
 */
public final class JettyServer implements AutoCloseable {

	private final Server server;

	private final ServerConnector http;

	private final ServerConnector https;

	private JettyServer(Server server, ServerConnector http, ServerConnector https) {
		this.server = server;
		this.http = http;
		this.https = https;
	}

	/**
	 * Starts Jetty running {@code application}, closing connections idle for
	 * {@code idleTimeout}, with TLS presenting the certificate of {@code keyStore}.
	 */
	public static JettyServer start(RecordingApplication application, Duration idleTimeout, KeyStore keyStore)
			throws Exception {
		QueuedThreadPool threads = new QueuedThreadPool(32, 4);
		threads.setName("jetty");
		Server server = new Server(threads);
		HttpConfiguration config = new HttpConfiguration();
		ServerConnector http = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
		SslContextFactory.Server tls = new SslContextFactory.Server();
		tls.setSslContext(TestCertificates.serverContext(keyStore));
		ServerConnector https = new ServerConnector(server, 1, 1, new SslConnectionFactory(tls, "http/1.1"),
				new HttpConnectionFactory(config));
		for (ServerConnector connector : new ServerConnector[] { http, https }) {
			connector.setHost("127.0.0.1");
			connector.setPort(0);
			connector.setIdleTimeout(idleTimeout.toMillis());
			server.addConnector(connector);
		}
		CompressionHandler compression = new CompressionHandler(new ApplicationHandler(application));
		compression.putCompression(new GzipCompression());
		compression.putConfiguration("/*", CompressionConfig.builder().compressIncludeMimeType("text/plain").build());
		server.setHandler(compression);
		try {
			server.start();
		}
		catch (Exception ex) {
			server.stop();
			throw ex;
		}
		return new JettyServer(server, http, https);
	}

	/** {@code Jetty 12.1.x}. */
	public static String version() {
		return "Jetty " + Jetty.VERSION;
	}

	public URI uri(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + this.http.getLocalPort() + pathAndQuery);
	}

	public URI httpsUri(String pathAndQuery) {
		return URI.create("https://127.0.0.1:" + this.https.getLocalPort() + pathAndQuery);
	}

	/** The port of the plain connector. */
	public int port() {
		return this.http.getLocalPort();
	}

	@Override
	public void close() throws Exception {
		this.server.stop();
	}

	/** The application as a blocking core handler. */
	private static final class ApplicationHandler extends Handler.Abstract {

		private final RecordingApplication application;

		ApplicationHandler(RecordingApplication application) {
			this.application = application;
		}

		@Override
		public boolean handle(Request request, Response response, Callback callback) throws Exception {
			OutputStream[] out = new OutputStream[1];
			this.application.handle(new RecordingApplication.Exchange() {

				@Override
				public String method() {
					return request.getMethod();
				}

				@Override
				public String path() {
					return request.getHttpURI().getPath();
				}

				@Override
				public String rawQuery() {
					return request.getHttpURI().getQuery();
				}

				@Override
				public String header(String name) {
					HttpField field = request.getHeaders().getField(name);
					return (field != null) ? field.getValue() : null;
				}

				@Override
				public int remotePort() {
					return Request.getRemotePort(request);
				}

				@Override
				public InputStream requestBody() {
					return Content.Source.asInputStream(request);
				}

				@Override
				public void status(int status) {
					response.setStatus(status);
				}

				@Override
				public void header(String name, String value) {
					response.getHeaders().put(name, value);
				}

				@Override
				public OutputStream responseBody() {
					if (out[0] == null) {
						out[0] = Content.Sink.asOutputStream(response);
					}
					return out[0];
				}

			});
			if (out[0] != null) {
				// Writes the last content, ending the response.
				out[0].close();
			}
			callback.succeeded();
			return true;
		}

	}

}
