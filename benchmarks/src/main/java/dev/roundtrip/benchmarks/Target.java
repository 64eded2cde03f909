package dev.roundtrip.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The nginx under test: its plain and TLS ports, and the trust that accepts its
 * certificate (made at run time by {@code benchmarks/run}). Every client is given this
 * trust explicitly; nothing turns verification off.
 *
 * @param http the plain base URI, {@code http://127.0.0.1:port}
 * @param https the TLS base URI, {@code https://127.0.0.1:port}
 * @param trust the trust manager factory holding nginx's certificate
 */
record Target(URI http, URI https, TrustManagerFactory trust) {

	static Target of(String http, String https, Path certificate) throws IOException, GeneralSecurityException {
		KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
		store.load(null, null);
		try (InputStream in = Files.newInputStream(certificate)) {
			Certificate cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
			store.setCertificateEntry("nginx", cert);
		}
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(store);
		return new Target(URI.create(http), URI.create(https), trust);
	}

	URI uri(Shape shape) {
		return (shape.https() ? this.https : this.http).resolve(shape.path());
	}

	/**
	 * A TLS 1.3 context trusting nginx's certificate only.
	 * @return a new context
	 */
	SSLContext sslContext() {
		try {
			SSLContext context = SSLContext.getInstance("TLSv1.3");
			context.init(null, this.trust.getTrustManagers(), null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
