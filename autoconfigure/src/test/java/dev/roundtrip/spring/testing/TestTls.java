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
 * A self-signed certificate for {@code localhost}, made at test time with the
 * JDK's {@code keytool} so that no key is committed, and the server and client
 * {@link SSLContext}s over it.
 */
public final class TestTls {

	private static final char[] PASSWORD = "changeit".toCharArray();

	private final SSLContext server;

	private final SSLContext client;

	private TestTls(SSLContext server, SSLContext client) {
		this.server = server;
		this.client = client;
	}

	public static TestTls generate() throws IOException, InterruptedException, GeneralSecurityException {
		Path dir = Files.createTempDirectory("roundtrip-endpoint-tls");
		Path keyStore = dir.resolve("server.p12");
		Path certificate = dir.resolve("server.crt");
		Path trustStore = dir.resolve("trust.p12");
		String password = new String(PASSWORD);
		try {
			keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
					"CN=localhost", "-ext", "SAN=dns:localhost", "-validity", "2", "-storetype", "PKCS12",
					"-keystore", keyStore.toString(), "-storepass", password, "-keypass", password);
			keytool("-exportcert", "-alias", "server", "-rfc", "-keystore", keyStore.toString(), "-storepass",
					password, "-file", certificate.toString());
			keytool("-importcert", "-noprompt", "-alias", "server", "-file", certificate.toString(), "-storetype",
					"PKCS12", "-keystore", trustStore.toString(), "-storepass", password);
			KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keys.init(load(keyStore), PASSWORD);
			SSLContext server = SSLContext.getInstance("TLS");
			server.init(keys.getKeyManagers(), null, null);
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(load(trustStore));
			SSLContext client = SSLContext.getInstance("TLS");
			client.init(null, trust.getTrustManagers(), null);
			return new TestTls(server, client);
		}
		finally {
			for (Path file : List.of(keyStore, certificate, trustStore, dir)) {
				Files.deleteIfExists(file);
			}
		}
	}

	private static KeyStore load(Path path) throws IOException, GeneralSecurityException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(path)) {
			store.load(in, PASSWORD);
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

	public SSLContext serverContext() {
		return this.server;
	}

	public SSLContext clientContext() {
		return this.client;
	}

}
