package dev.roundtrip.transport.realserver;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.AbstractProtocol;
import org.apache.tomcat.util.net.AbstractEndpoint;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.apache.tomcat.util.net.SocketWrapperBase;

import dev.roundtrip.transport.testing.TestCertificates;

/**
 * An embedded Tomcat on {@code 127.0.0.1}, no Spring: one servlet mapped to {@code /*},
 * reachable through several HTTP/1.1 connectors, each on its own ephemeral port with its
 * own settings (such as {@code maxKeepAliveRequests} or {@code keepAliveTimeout}), so one
 * server start serves every test.
 */
public final class EmbeddedTomcat implements AutoCloseable {

	// Held so that the levels set below are not lost when the loggers are collected.
	private static final List<Logger> QUIET = List.of(Logger.getLogger("org.apache.catalina"),
			Logger.getLogger("org.apache.coyote"), Logger.getLogger("org.apache.tomcat"));

	private final Tomcat tomcat;

	private final Path baseDir;

	private final Map<String, Connector> connectors;

	private EmbeddedTomcat(Tomcat tomcat, Path baseDir, Map<String, Connector> connectors) {
		this.tomcat = tomcat;
		this.baseDir = baseDir;
		this.connectors = connectors;
	}

	/**
	 * Starts Tomcat with {@code servlet} at {@code /*} and one connector per entry of
	 * {@code connectors}: its name, and the properties set on it (Tomcat's connector
	 * attributes, as in {@code server.xml}).
	 */
	public static EmbeddedTomcat start(RecordingServlet servlet, Map<String, Map<String, String>> connectors)
			throws IOException, LifecycleException {
		return start(servlet, connectors, Map.of());
	}

	/**
	 * Starts Tomcat as {@link #start(RecordingServlet, Map)} does, with TLS on the
	 * connectors named in {@code certificates}, each presenting the certificate of its
	 * key store (one of {@link TestCertificates}').
	 */
	public static EmbeddedTomcat start(RecordingServlet servlet, Map<String, Map<String, String>> connectors,
			Map<String, KeyStore> certificates) throws IOException, LifecycleException {
		QUIET.forEach((logger) -> logger.setLevel(Level.WARNING));
		Path baseDir = Files.createTempDirectory("roundtrip-tomcat");
		Tomcat tomcat = new Tomcat();
		tomcat.setBaseDir(baseDir.toString());
		tomcat.setHostname("127.0.0.1");
		Map<String, Connector> named = new LinkedHashMap<>();
		connectors.forEach((name, properties) -> {
			Connector connector = new Connector("HTTP/1.1");
			connector.setPort(0);
			connector.setProperty("address", "127.0.0.1");
			properties.forEach((property, value) -> {
				if (!connector.setProperty(property, value)) {
					throw new IllegalArgumentException("Tomcat connector has no property " + property);
				}
			});
			KeyStore keyStore = certificates.get(name);
			if (keyStore != null) {
				SSLHostConfig tls = new SSLHostConfig();
				SSLHostConfigCertificate certificate = new SSLHostConfigCertificate(tls,
						SSLHostConfigCertificate.Type.UNDEFINED);
				certificate.setCertificateKeystore(keyStore);
				certificate.setCertificateKeystorePassword(TestCertificates.password());
				tls.addCertificate(certificate);
				connector.addSslHostConfig(tls);
				connector.setProperty("SSLEnabled", "true");
				connector.setScheme("https");
				connector.setSecure(true);
			}
			if (named.isEmpty()) {
				tomcat.setConnector(connector);
			}
			else {
				tomcat.getService().addConnector(connector);
			}
			named.put(name, connector);
		});
		StandardContext context = (StandardContext) tomcat.addContext("", baseDir.toString());
		// No web application to leak anything: skip the checks that only warn about
		// missing --add-opens.
		context.setClearReferencesThreadLocals(false);
		context.setClearReferencesRmiTargets(false);
		Tomcat.addServlet(context, "recording", servlet);
		context.addServletMappingDecoded("/*", "recording");
		try {
			tomcat.start();
		}
		catch (LifecycleException | RuntimeException ex) {
			tomcat.destroy();
			deleteRecursively(baseDir);
			throw ex;
		}
		return new EmbeddedTomcat(tomcat, baseDir, named);
	}

	/**
	 * {@code http://127.0.0.1:<port><pathAndQuery>} on the named connector
	 * ({@code https://} on a TLS one).
	 */
	public URI uri(String connector, String pathAndQuery) {
		return URI.create(connector(connector).getScheme() + "://127.0.0.1:" + port(connector) + pathAndQuery);
	}

	/** The port the named connector listens on. */
	public int port(String connector) {
		return connector(connector).getLocalPort();
	}

	/**
	 * The client ports of the connections the named connector holds open now, from
	 * Tomcat's own books. A port leaves this set as Tomcat starts to close that
	 * connection, a moment before its FIN is sent; see {@link KernelTcpTable} for when
	 * the client has it.
	 */
	public Set<Integer> openClientPorts(String connector) {
		AbstractEndpoint<?, ?> endpoint = endpoint(connector(connector));
		Set<Integer> ports = new TreeSet<>();
		for (SocketWrapperBase<?> socket : endpoint.getConnections()) {
			if (!socket.isClosed()) {
				ports.add(socket.getRemotePort());
			}
		}
		return ports;
	}

	/** The connector's endpoint: its protocol handler has it, but only for subclasses. */
	private static AbstractEndpoint<?, ?> endpoint(Connector connector) {
		try {
			Method getEndpoint = AbstractProtocol.class.getDeclaredMethod("getEndpoint");
			getEndpoint.setAccessible(true);
			return (AbstractEndpoint<?, ?>) getEndpoint.invoke(connector.getProtocolHandler());
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Cannot reach the endpoint of Tomcat's " + connector, ex);
		}
	}

	private Connector connector(String name) {
		Connector connector = this.connectors.get(name);
		if (connector == null) {
			throw new IllegalArgumentException("No connector " + name + "; there are " + this.connectors.keySet());
		}
		return connector;
	}

	@Override
	public void close() throws Exception {
		try {
			this.tomcat.stop();
			this.tomcat.destroy();
		}
		finally {
			deleteRecursively(this.baseDir);
		}
	}

	static void deleteRecursively(Path dir) throws IOException {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

}
