package dev.roundtrip.transport.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates made at test time with the JDK's own {@code keytool}, into a
 * temporary directory: no key material is committed. Each is made once per JVM and shared
 * by the test classes that ask for it.
 */
public final class TestCertificates {

	private static final char[] PASSWORD = "test-only".toCharArray();

	private static final Map<String, KeyStore> STORES = new ConcurrentHashMap<>();

	private TestCertificates() {
	}

	/** A certificate for {@code localhost} and {@code 127.0.0.1}. */
	public static KeyStore loopback() {
		return keyStore("loopback", "CN=localhost", "dns:localhost,ip:127.0.0.1");
	}

	/** A certificate for {@code other.example} only: wrong for any loopback address. */
	public static KeyStore otherHost() {
		return keyStore("other", "CN=other.example", "dns:other.example");
	}

	/**
	 * A certificate whose subject alternative names are {@code san}, such as
	 * {@code dns:localhost,ip:127.0.0.1}.
	 */
	public static synchronized KeyStore keyStore(String alias, String distinguishedName, String san) {
		return STORES.computeIfAbsent(alias, (a) -> generate(a, distinguishedName, san));
	}

	/** A server's TLS context presenting the certificate of {@code keyStore}. */
	public static SSLContext serverContext(KeyStore keyStore) {
		try {
			KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keys.init(keyStore, PASSWORD);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keys.getKeyManagers(), null, null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A client's TLS context that trusts exactly the certificates of {@code keyStores}.
	 */
	public static SSLContext clientContextTrusting(KeyStore... keyStores) {
		try {
			KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
			trusted.load(null, null);
			int i = 0;
			for (KeyStore store : keyStores) {
				for (String alias : java.util.Collections.list(store.aliases())) {
					Certificate certificate = store.getCertificate(alias);
					trusted.setCertificateEntry("trusted-" + (i++), certificate);
				}
			}
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(trusted);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, trust.getTrustManagers(), null);
			return context;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Writes the certificate and private key of {@code keyStore} as PEM files, for a
	 * server that reads no key store (nginx).
	 */
	public static void writePem(KeyStore keyStore, Path certificate, Path privateKey) {
		try {
			String alias = java.util.Collections.list(keyStore.aliases()).get(0);
			Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
			Files.writeString(certificate,
					"-----BEGIN CERTIFICATE-----\n" + base64.encodeToString(keyStore.getCertificate(alias).getEncoded())
							+ "\n-----END CERTIFICATE-----\n");
			Files.writeString(privateKey,
					"-----BEGIN PRIVATE KEY-----\n"
							+ base64.encodeToString(keyStore.getKey(alias, PASSWORD).getEncoded())
							+ "\n-----END PRIVATE KEY-----\n");
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Cannot write the PEM files of a test certificate", ex);
		}
	}

	/**
	 * The password of every key store made here and of its key (a throwaway), for a
	 * server that takes a key store and its password.
	 */
	public static String password() {
		return new String(PASSWORD);
	}

	private static KeyStore generate(String alias, String distinguishedName, String san) {
		Path dir = null;
		try {
			dir = Files.createTempDirectory("roundtrip-cert-");
			Path file = dir.resolve(alias + ".p12");
			Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
			List<String> command = new ArrayList<>(
					List.of(keytool.toString(), "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname",
							"secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "2", "-dname", distinguishedName,
							"-ext", "SAN=" + san, "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass",
							new String(PASSWORD), "-keypass", new String(PASSWORD), "-noprompt"));
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			process.getOutputStream().close();
			boolean done = process.waitFor(60, TimeUnit.SECONDS);
			String output;
			try (InputStream out = process.getInputStream()) {
				output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
			}
			if (!done || process.exitValue() != 0) {
				process.destroyForcibly();
				throw new IllegalStateException("keytool failed for " + alias + ": " + output);
			}
			KeyStore store = KeyStore.getInstance("PKCS12");
			try (InputStream in = Files.newInputStream(file)) {
				store.load(in, PASSWORD);
			}
			return store;
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot make a test certificate for " + alias, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		finally {
			if (dir != null) {
				deleteQuietly(dir);
			}
		}
	}

	private static void deleteQuietly(Path dir) {
		try (var files = Files.list(dir)) {
			for (Path file : (Iterable<Path>) files::iterator) {
				Files.deleteIfExists(file);
			}
			Files.deleteIfExists(dir);
		}
		catch (IOException ex) {
			// A temp dir left behind holds a throwaway key; nothing to do.
		}
	}

}
