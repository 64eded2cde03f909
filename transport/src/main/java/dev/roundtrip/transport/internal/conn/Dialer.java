package dev.roundtrip.transport.internal.conn;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;

import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.TransportSettings;
import dev.roundtrip.transport.TransportTimeoutException;
import dev.roundtrip.transport.TransportTimeoutException.Limit;
import dev.roundtrip.transport.internal.ProxyConfig;
import dev.roundtrip.transport.internal.pool.ConnectionPool;
import dev.roundtrip.transport.internal.pool.Pooled;

/**
 * Opens connections: resolves the host, connects TCP to each address in turn within the
 * dial timeout, sets socket options, and for https does the TLS handshake with SNI and
 * hostname verification. Through a proxy it connects to the proxy instead, and for https
 * first opens a {@code CONNECT} tunnel ({@link ProxyTunnel}) in which the TLS handshake
 * with the origin runs. Go: {@code (*Transport).dialConn}.
 */
public final class Dialer implements ConnectionPool.Dialer {

	private static final SocketOption<Integer> TCP_KEEPIDLE = extendedOption("TCP_KEEPIDLE");

	private static final SocketOption<Integer> TCP_KEEPINTERVAL = extendedOption("TCP_KEEPINTERVAL");

	private final TransportSettings settings;

	private final HostnameVerifier hostnameVerifier;

	private final LongSupplier clock;

	private final ProxyConfig proxies;

	private final AtomicLong ids = new AtomicLong();

	public Dialer(TransportSettings settings, HostnameVerifier hostnameVerifier, LongSupplier clock) {
		this(settings, hostnameVerifier, clock, ProxyConfig.NONE);
	}

	public Dialer(TransportSettings settings, HostnameVerifier hostnameVerifier, LongSupplier clock,
			ProxyConfig proxies) {
		this.settings = settings;
		this.hostnameVerifier = hostnameVerifier;
		this.clock = clock;
		this.proxies = proxies;
	}

	@Override
	public Pooled dial(Destination destination, int connectTimeoutMillis) throws IOException {
		ProxyConfig.Proxy proxy = this.proxies.forDestination(destination);
		SocketChannel channel = (proxy != null) ? connect(proxy.host(), proxy.port(), connectTimeoutMillis, "proxy ")
				: connect(destination.host(), destination.port(), connectTimeoutMillis, "");
		boolean ok = false;
		try {
			Socket socket = channel.socket();
			long tlsNanos = -1;
			if (destination.isTls()) {
				if (proxy != null) {
					ProxyTunnel.open(socket, destination, proxy.authorization(), connectTimeoutMillis);
				}
				long handshakeStart = System.nanoTime();
				socket = handshake(socket, destination);
				tlsNanos = System.nanoTime() - handshakeStart;
			}
			Connection connection = new Connection(this.ids.incrementAndGet(), destination, channel, socket,
					this.clock.getAsLong(), this.settings.readBufferSize(), this.settings.writeBufferSize());
			connection.tlsHandshakeNanos = tlsNanos;
			ok = true;
			return connection;
		}
		finally {
			if (!ok) {
				channel.close();
			}
		}
	}

	/**
	 * Connects to each address of {@code host} in turn until one answers, all within the
	 * timeout.
	 * @param role {@code "proxy "} or empty, for messages
	 */
	SocketChannel connect(String host, int port, int timeoutMillis, String role) throws IOException {
		InetAddress[] addresses;
		try {
			addresses = InetAddress.getAllByName(host);
		}
		catch (UnknownHostException ex) {
			UnknownHostException failure = new UnknownHostException(
					"Cannot resolve " + role + "host " + host + ": " + ex.getMessage());
			failure.initCause(ex);
			throw failure;
		}
		long deadline = (timeoutMillis > 0) ? System.nanoTime() + timeoutMillis * 1_000_000L : 0;
		IOException last = null;
		for (InetAddress address : addresses) {
			int remaining = 0;
			if (deadline != 0) {
				remaining = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
				if (deadline - System.nanoTime() <= 0) {
					break;
				}
			}
			SocketChannel channel = SocketChannel.open();
			try {
				configure(channel);
				channel.socket().connect(new InetSocketAddress(address, port), remaining);
				return channel;
			}
			catch (SocketTimeoutException ex) {
				channel.close();
				last = new TransportTimeoutException(Limit.DIAL,
						"Connect to " + role + address.getHostAddress() + ":" + port + " (" + host
								+ ") timed out after " + timeoutMillis + " ms (" + Limit.DIAL.setting() + ")");
			}
			catch (IOException ex) {
				channel.close();
				ConnectException failure = new ConnectException("Connect to " + role + address.getHostAddress() + ":"
						+ port + " (" + host + ") failed: " + ex.getMessage());
				failure.initCause(ex);
				last = failure;
			}
		}
		if (last == null) {
			last = new TransportTimeoutException(Limit.DIAL, "Connect to " + role + host + ":" + port
					+ " timed out after " + timeoutMillis + " ms (" + Limit.DIAL.setting() + ")");
		}
		throw last;
	}

	private void configure(SocketChannel channel) throws IOException {
		channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
		long keepAlive = this.settings.tcpKeepAlive().toSeconds();
		if (keepAlive > 0) {
			channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
			int seconds = (int) Math.min(Integer.MAX_VALUE, keepAlive);
			setIfSupported(channel, TCP_KEEPIDLE, seconds);
			setIfSupported(channel, TCP_KEEPINTERVAL, seconds);
		}
	}

	private static <T> void setIfSupported(SocketChannel channel, SocketOption<T> option, T value) {
		if (option != null && channel.supportedOptions().contains(option)) {
			try {
				channel.setOption(option, value);
			}
			catch (IOException | RuntimeException ex) {
				// An option the platform refuses leaves the OS default.
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static SocketOption<Integer> extendedOption(String name) {
		try {
			Class<?> options = Class.forName("jdk.net.ExtendedSocketOptions");
			return (SocketOption<Integer>) options.getField(name).get(null);
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			return null;
		}
	}

	/**
	 * TLS over {@code plain}: SNI, RFC 2818 hostname verification, handshake within its
	 * timeout.
	 */
	Socket handshake(Socket plain, Destination destination) throws IOException {
		SSLContext context = destination.sslContext();
		if (context == null) {
			try {
				context = SSLContext.getDefault();
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IOException("No default TLS context", ex);
			}
		}
		SSLSocket ssl = (SSLSocket) context.getSocketFactory()
			.createSocket(plain, destination.host(), destination.port(), true);
		SSLParameters parameters = ssl.getSSLParameters();
		if (this.hostnameVerifier == null) {
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
		}
		if (isHostName(destination.host())) {
			parameters.setServerNames(List.of(new SNIHostName(destination.host())));
		}
		parameters.setApplicationProtocols(new String[] { "http/1.1" });
		ssl.setSSLParameters(parameters);
		int timeout = (int) Math.min(Integer.MAX_VALUE, this.settings.tlsHandshakeTimeout().toMillis());
		ssl.setSoTimeout(timeout);
		try {
			ssl.startHandshake();
		}
		catch (SocketTimeoutException ex) {
			ssl.close();
			throw new TransportTimeoutException(Limit.TLS_HANDSHAKE, "TLS handshake with " + destination
					+ " timed out after " + timeout + " ms (" + Limit.TLS_HANDSHAKE.setting() + ")");
		}
		catch (SSLException ex) {
			ssl.close();
			SSLException failure = new SSLException("TLS handshake with " + destination + " failed: " + ex.getMessage(),
					ex);
			throw failure;
		}
		if (this.hostnameVerifier != null && !this.hostnameVerifier.verify(destination.host(), ssl.getSession())) {
			ssl.close();
			throw new SSLPeerUnverifiedException("Certificate of " + destination + " does not match host "
					+ destination.host() + " (hostname verifier refused it)");
		}
		ssl.setSoTimeout(0);
		return ssl;
	}

	private static boolean isHostName(String host) {
		if (host.indexOf(':') >= 0) {
			return false;
		}
		for (int i = 0; i < host.length(); i++) {
			char c = host.charAt(i);
			if (!(c >= '0' && c <= '9') && c != '.') {
				return !host.endsWith(".");
			}
		}
		return false;
	}

}
