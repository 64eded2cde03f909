package dev.roundtrip.spring.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for {@code localhost}, made at test time by the JDK's
 * {@code keytool} so that no key is committed: a PKCS12 key store with the server's key,
 * a trust store with its certificate, and {@link SSLContext}s over them. Password
 * {@value #PASSWORD}.
 */
public final class TestCertificates {

	public static final String PASSWORD = "changeit";

	private final Path keyStore;

	private final Path trustStore;

	private TestCertificates(Path keyStore, Path trustStore) {
		this.keyStore = keyStore;
		this.trustStore = trustStore;
	}

	public static TestCertificates generate() throws IOException, InterruptedException {
		Path dir = Files.createTempDirectory("roundtrip-tls");
		Path keyStore = dir.resolve("server.p12");
		Path certificate = dir.resolve("server.crt");
		Path trustStore = dir.resolve("trust.p12");
		keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
				"-ext", "SAN=dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
				"-storepass", PASSWORD, "-keypass", PASSWORD);
		keytool("-exportcert", "-alias", "server", "-rfc", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
				"-file", certificate.toString());
		keytool("-importcert", "-noprompt", "-alias", "server", "-file", certificate.toString(), "-storetype", "PKCS12",
				"-keystore", trustStore.toString(), "-storepass", PASSWORD);
		for (Path file : List.of(keyStore, certificate, trustStore, dir)) {
			file.toFile().deleteOnExit();
		}
		return new TestCertificates(keyStore, trustStore);
	}

	/** The server's key and certificate, PKCS12. */
	public Path keyStore() {
		return this.keyStore;
	}

	/** The server's certificate as the only trusted one, PKCS12. */
	public Path trustStore() {
		return this.trustStore;
	}

	/** A server context presenting the certificate. */
	public SSLContext serverContext() throws IOException, GeneralSecurityException {
		KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keys.init(load(this.keyStore), PASSWORD.toCharArray());
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keys.getKeyManagers(), null, null);
		return context;
	}

	/** A client context trusting the certificate and nothing else. */
	public SSLContext clientContext() throws IOException, GeneralSecurityException {
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(load(this.trustStore));
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trust.getTrustManagers(), null);
		return context;
	}

	private static KeyStore load(Path path) throws IOException, GeneralSecurityException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(path)) {
			store.load(in, PASSWORD.toCharArray());
		}
		return store;
	}

	private static void keytool(String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			process.destroyForcibly();
			throw new IOException("keytool " + String.join(" ", arguments) + " failed: " + output);
		}
	}

}
