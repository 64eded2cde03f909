package dev.roundtrip.transport.realserver;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.apache.catalina.util.ServerInfo;

import dev.roundtrip.transport.testing.TestCertificates;

/**
 * One of the real servers on loopback, running {@link RecordingApplication} the same way
 * on each, plain and over TLS (with {@link TestCertificates#loopback()}), so that one
 * test can run against all of them: {@link Kind#start(Duration)} starts one.
 */
public interface RealServer extends AutoCloseable {

	/** The server and its version, such as {@code Jetty 12.1.10}. */
	String name();

	/** The application it runs, with what it recorded. */
	RecordingApplication application();

	/** {@code http://127.0.0.1:<port><pathAndQuery>}. */
	URI uri(String pathAndQuery);

	/** {@code https://127.0.0.1:<port><pathAndQuery>}. */
	URI httpsUri(String pathAndQuery);

	/**
	 * The bodies of {@code /bytes/N} and {@code /text/N} a server that serves files
	 * (nginx) must have written for these sizes.
	 */
	int[] SIZES = { 0, 13, 100_000, 1024 * 1024 };

	/** The servers. */
	enum Kind {

		/**
		 * Embedded Tomcat (a plain servlet, {@link RecordingServlet}), compressing
		 * {@code text/plain} itself ({@code compression="on"}).
		 */
		TOMCAT,

		/** Jetty 12, a plain core handler ({@link JettyServer}). */
		JETTY,

		/** Undertow, a plain handler ({@link UndertowServer}). */
		UNDERTOW,

		/**
		 * nginx from the machine's packages ({@link NginxServer}), serving files and its
		 * own answers where it can, and proxying the rest to a {@link JettyServer}.
		 */
		NGINX;

		/** Whether this server can run here: nginx only if it is installed. */
		public boolean isAvailable() {
			return this != NGINX || NginxServer.findBinary().isPresent();
		}

		/** Why a server that is not available is skipped. */
		public String unavailableReason() {
			return "nginx is not installed (looked for /usr/sbin/nginx and nginx on PATH, or -D"
					+ NginxServer.BINARY_PROPERTY + " said none), so the nginx cases are skipped;"
					+ " install it (apt-get install nginx-light, as .ci/run does) to run them";
		}

		/**
		 * Starts this server with {@code keepAliveTimeout}: how long it keeps an idle
		 * keep-alive connection open.
		 */
		public RealServer start(Duration keepAliveTimeout) throws Exception {
			RecordingApplication application = new RecordingApplication();
			return switch (this) {
				case TOMCAT -> tomcat(application, keepAliveTimeout);
				case JETTY -> jetty(application, keepAliveTimeout);
				case UNDERTOW -> undertow(application, keepAliveTimeout);
				case NGINX -> nginx(application, keepAliveTimeout);
			};
		}

		private static RealServer tomcat(RecordingApplication application, Duration keepAliveTimeout) throws Exception {
			Map<String, String> properties = new LinkedHashMap<>();
			properties.put("keepAliveTimeout", String.valueOf(keepAliveTimeout.toMillis()));
			// Tomcat's poller looks for expired connections once per selectorTimeout
			// (default 1 s).
			properties.put("selectorTimeout",
					String.valueOf(Math.max(10, Math.min(1000, keepAliveTimeout.toMillis() / 10))));
			properties.put("compression", "on");
			properties.put("compressibleMimeType", "text/plain");
			EmbeddedTomcat tomcat = EmbeddedTomcat.start(new RecordingServlet(application),
					Map.of("http", properties, "https", properties), Map.of("https", TestCertificates.loopback()));
			return new Started("Tomcat " + ServerInfo.getServerNumber(), application, tomcat,
					(path) -> tomcat.uri("http", path), (path) -> tomcat.uri("https", path));
		}

		private static RealServer jetty(RecordingApplication application, Duration keepAliveTimeout) throws Exception {
			JettyServer jetty = JettyServer.start(application, keepAliveTimeout, TestCertificates.loopback());
			return new Started(JettyServer.version(), application, jetty, jetty::uri, jetty::httpsUri);
		}

		private static RealServer undertow(RecordingApplication application, Duration keepAliveTimeout) {
			UndertowServer undertow = UndertowServer.start(application, keepAliveTimeout, TestCertificates.loopback());
			return new Started(UndertowServer.version(), application, undertow, undertow::uri, undertow::httpsUri);
		}

		private static RealServer nginx(RecordingApplication application, Duration keepAliveTimeout) throws Exception {
			Optional<Path> binary = NginxServer.findBinary();
			if (binary.isEmpty()) {
				throw new IllegalStateException("No nginx here; check isAvailable() first");
			}
			// The backend keeps its connections from nginx as long as nginx wants.
			JettyServer backend = JettyServer.start(application, Duration.ofSeconds(60), TestCertificates.loopback());
			Map<String, byte[]> files = new LinkedHashMap<>();
			for (int size : SIZES) {
				files.put("bytes/" + size, Payloads.text(size, size));
				files.put("text/" + size, Payloads.text(size, size));
			}
			files.put("etag", RecordingApplication.ETAG_BODY.getBytes(StandardCharsets.UTF_8));
			NginxServer nginx;
			try {
				nginx = NginxServer.start(binary.get(),
						new NginxServer.Settings(files, backend.port(), keepAliveTimeout));
			}
			catch (IOException | RuntimeException ex) {
				backend.close();
				throw ex;
			}
			AutoCloseable both = () -> {
				try (backend) {
					nginx.close();
				}
			};
			return new Started("nginx " + nginx.version() + " (proxying to " + JettyServer.version() + ")", application,
					both, nginx::uri, nginx::httpsUri);
		}

	}

	/** A started server: its name, application, how to stop it and its addresses. */
	record Started(String name, RecordingApplication application, AutoCloseable server, Function<String, URI> http,
			Function<String, URI> https) implements RealServer {

		@Override
		public URI uri(String pathAndQuery) {
			return this.http.apply(pathAndQuery);
		}

		@Override
		public URI httpsUri(String pathAndQuery) {
			return this.https.apply(pathAndQuery);
		}

		@Override
		public void close() throws Exception {
			this.server.close();
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

}
