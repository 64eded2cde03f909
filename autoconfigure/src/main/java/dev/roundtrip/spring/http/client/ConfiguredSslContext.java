package dev.roundtrip.spring.http.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.SecureRandom;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

import org.jspecify.annotations.Nullable;

/**
 * An {@link SSLContext} whose sockets and engines have an SSL bundle's enabled protocols
 * and cipher suites ({@code spring.ssl.bundle.*.options}). The transport takes a context,
 * not parameters, so the options travel inside it.
 */
final class ConfiguredSslContext extends SSLContext {

	ConfiguredSslContext(SSLContext delegate, String @Nullable [] protocols, String @Nullable [] ciphers) {
		super(new Spi(delegate, protocols, ciphers), delegate.getProvider(), delegate.getProtocol());
	}

	private static final class Spi extends SSLContextSpi {

		private final SSLContext delegate;

		private final String @Nullable [] protocols;

		private final String @Nullable [] ciphers;

		Spi(SSLContext delegate, String @Nullable [] protocols, String @Nullable [] ciphers) {
			this.delegate = delegate;
			this.protocols = protocols;
			this.ciphers = ciphers;
		}

		@Override
		protected void engineInit(KeyManager[] keyManagers, TrustManager[] trustManagers, SecureRandom random)
				throws KeyManagementException {
			throw new KeyManagementException("Already initialized from its SSL bundle");
		}

		@Override
		protected SSLSocketFactory engineGetSocketFactory() {
			return new SocketFactory(this.delegate.getSocketFactory(), this);
		}

		@Override
		protected SSLServerSocketFactory engineGetServerSocketFactory() {
			return this.delegate.getServerSocketFactory();
		}

		@Override
		protected SSLEngine engineCreateSSLEngine() {
			return configure(this.delegate.createSSLEngine());
		}

		@Override
		protected SSLEngine engineCreateSSLEngine(String host, int port) {
			return configure(this.delegate.createSSLEngine(host, port));
		}

		@Override
		protected SSLSessionContext engineGetServerSessionContext() {
			return this.delegate.getServerSessionContext();
		}

		@Override
		protected SSLSessionContext engineGetClientSessionContext() {
			return this.delegate.getClientSessionContext();
		}

		@Override
		protected SSLParameters engineGetDefaultSSLParameters() {
			return configure(this.delegate.getDefaultSSLParameters());
		}

		@Override
		protected SSLParameters engineGetSupportedSSLParameters() {
			return this.delegate.getSupportedSSLParameters();
		}

		SSLEngine configure(SSLEngine engine) {
			if (this.protocols != null) {
				engine.setEnabledProtocols(this.protocols);
			}
			if (this.ciphers != null) {
				engine.setEnabledCipherSuites(this.ciphers);
			}
			return engine;
		}

		SSLParameters configure(SSLParameters parameters) {
			if (this.protocols != null) {
				parameters.setProtocols(this.protocols);
			}
			if (this.ciphers != null) {
				parameters.setCipherSuites(this.ciphers);
			}
			return parameters;
		}

		Socket configure(Socket socket) {
			if (socket instanceof SSLSocket ssl) {
				if (this.protocols != null) {
					ssl.setEnabledProtocols(this.protocols);
				}
				if (this.ciphers != null) {
					ssl.setEnabledCipherSuites(this.ciphers);
				}
			}
			return socket;
		}

	}

	private static final class SocketFactory extends SSLSocketFactory {

		private final SSLSocketFactory delegate;

		private final Spi spi;

		SocketFactory(SSLSocketFactory delegate, Spi spi) {
			this.delegate = delegate;
			this.spi = spi;
		}

		@Override
		public String[] getDefaultCipherSuites() {
			return (this.spi.ciphers != null) ? this.spi.ciphers.clone() : this.delegate.getDefaultCipherSuites();
		}

		@Override
		public String[] getSupportedCipherSuites() {
			return this.delegate.getSupportedCipherSuites();
		}

		@Override
		public Socket createSocket() throws IOException {
			return this.spi.configure(this.delegate.createSocket());
		}

		@Override
		public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
			return this.spi.configure(this.delegate.createSocket(socket, host, port, autoClose));
		}

		@Override
		public Socket createSocket(String host, int port) throws IOException {
			return this.spi.configure(this.delegate.createSocket(host, port));
		}

		@Override
		public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
			return this.spi.configure(this.delegate.createSocket(host, port, localHost, localPort));
		}

		@Override
		public Socket createSocket(InetAddress host, int port) throws IOException {
			return this.spi.configure(this.delegate.createSocket(host, port));
		}

		@Override
		public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
				throws IOException {
			return this.spi.configure(this.delegate.createSocket(address, port, localAddress, localPort));
		}

	}

}
