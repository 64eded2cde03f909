package dev.roundtrip.spring.integration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed server certificate for {@code localhost} only (no IP address
 * in it), made at test time with the JDK's {@code keytool}, so no key is
 * committed: {@code server.p12} holds the key, {@code trust.p12} only the
 * certificate. Password {@value #PASSWORD}.
 */
final class TestCertificates {

	static final String PASSWORD = "changeit";

	final Path keyStore;

	final Path trustStore;

	private TestCertificates(Path keyStore, Path trustStore) {
		this.keyStore = keyStore;
		this.trustStore = trustStore;
	}

	static TestCertificates generate() throws IOException, InterruptedException {
		Path dir = Files.createTempDirectory("roundtrip-tls");
		Path keyStore = dir.resolve("server.p12");
		Path certificate = dir.resolve("server.crt");
		Path trustStore = dir.resolve("trust.p12");
		keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
				"CN=localhost", "-ext", "SAN=dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore",
				keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
		keytool("-exportcert", "-alias", "server", "-rfc", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
				"-file", certificate.toString());
		keytool("-importcert", "-noprompt", "-alias", "server", "-file", certificate.toString(), "-storetype",
				"PKCS12", "-keystore", trustStore.toString(), "-storepass", PASSWORD);
		for (Path file : List.of(keyStore, certificate, trustStore, dir)) {
			file.toFile().deleteOnExit();
		}
		return new TestCertificates(keyStore, trustStore);
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
