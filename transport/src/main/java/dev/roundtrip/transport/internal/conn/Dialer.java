package dev.roundtrip.transport.internal.conn;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLKeyException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLProtocolException;
import javax.net.ssl.SSLSocket;

import dev.roundtrip.transport.AddressFilter;
import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.TransportSettings;
import dev.roundtrip.transport.TransportTimeoutException;
import dev.roundtrip.transport.TransportTimeoutException.Limit;
import dev.roundtrip.transport.internal.ProxyConfig;
import dev.roundtrip.transport.internal.Watchdog;
import dev.roundtrip.transport.internal.pool.ConnectionPool;
import dev.roundtrip.transport.internal.pool.Pooled;

/**
 * Opens connections: resolves the host, connects TCP to each address in turn within the
 * dial timeout, sets socket options, and for https does the TLS handshake with SNI and
 * hostname verification. Through a proxy it connects to the proxy instead: TLS with it
 * first if it is an {@code https://} proxy; then for https through an HTTP(S) proxy a
 * {@code CONNECT} tunnel ({@link ProxyTunnel}), or for anything through a SOCKS5 proxy
 * its {@code CONNECT} ({@link SocksHandshake}), in which the TLS handshake with the
 * origin runs. A host with a {@code unix-socket} is reached over that socket file instead
 * ({@link UnixChannel}). Go: {@code (*Transport).dialConn}.
 */
public final class Dialer implements ConnectionPool.Dialer {

	private static final SocketOption<Integer> TCP_KEEPIDLE = extendedOption("TCP_KEEPIDLE");

	private static final SocketOption<Integer> TCP_KEEPINTERVAL = extendedOption("TCP_KEEPINTERVAL");

	private final TransportSettings settings;

	private final HostnameVerifier hostnameVerifier;

	private final LongSupplier clock;

	private final ProxyConfig proxies;

	private final Watchdog watchdog;

	private final ExecutorService lookups;

	private final AtomicLong ids = new AtomicLong();

	/** Which resolved addresses may be connected to; {@code null} for all. */
	private final AddressFilter addressFilter;

	/**
	 * Checks the certificates of {@code https://} proxies: the transport's, whatever a
	 * request's own may be (Go: {@code Transport.TLSClientConfig}); {@code null} for the
	 * JDK's default.
	 */
	private final SSLContext proxySslContext;

	/**
	 * @param addressFilter which resolved addresses may be connected to; {@code null} for
	 * all
	 * @param watchdog enforces TLS handshake deadlines
	 * @param lookups runs host name lookups, so that a dial can stop waiting for one
	 * @param proxySslContext checks the certificates of {@code https://} proxies;
	 * {@code null} for the JDK's default
	 */
	public Dialer(TransportSettings settings, HostnameVerifier hostnameVerifier, LongSupplier clock,
			ProxyConfig proxies, AddressFilter addressFilter, Watchdog watchdog, ExecutorService lookups,
			SSLContext proxySslContext) {
		this.settings = settings;
		this.hostnameVerifier = hostnameVerifier;
		this.clock = clock;
		this.proxies = proxies;
		this.addressFilter = addressFilter;
		this.watchdog = watchdog;
		this.lookups = lookups;
		this.proxySslContext = proxySslContext;
	}

	@Override
	public Pooled dial(Destination destination, int connectTimeoutMillis) throws IOException {
		Path unixSocket = this.settings.hosts().isEmpty() ? null
				: this.settings.host(destination.authority()).unixSocket();
		ProxyConfig.Proxy proxy = (unixSocket != null) ? null : this.proxies.forDestination(destination);
		SocketChannel channel;
		if (unixSocket != null) {
			channel = UnixChannel.connect(unixSocket, connectTimeoutMillis);
		}
		else if (proxy != null) {
			channel = connect(proxy.host(), proxy.port(), connectTimeoutMillis, "proxy ");
		}
		else {
			channel = connect(destination.host(), destination.port(), connectTimeoutMillis, "");
		}
		boolean ok = false;
		try {
			Socket socket = channel.socket();
			long tlsNanos = -1;
			if (proxy != null && proxy.isTls()) {
				socket = handshake(channel, socket, this.proxySslContext, proxy.host(), proxy.port(),
						"proxy " + proxy.url());
			}
			if (proxy != null && proxy.isSocks()) {
				SocksHandshake.open(socket, proxy, destination, connectTimeoutMillis);
			}
			if (destination.isTls()) {
				if (proxy != null && !proxy.isSocks()) {
					ProxyTunnel.open(socket, destination, proxy.authorization(), connectTimeoutMillis);
				}
				long handshakeStart = System.nanoTime();
				socket = handshake(channel, socket, destination);
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
	 * Resolves {@code host} and connects to one of its addresses, all within
	 * {@code timeoutMillis} (0 = none): the addresses of the first family in turn, each
	 * with its share of the time left ({@link DialRace}), racing the other family after
	 * {@code dial-fallback-delay}. Go: {@code (*sysDialer).dialParallel}.
	 * @param role {@code "proxy "} or empty, for messages
	 */
	SocketChannel connect(String host, int port, int timeoutMillis, String role) throws IOException {
		long start = System.nanoTime();
		long deadline = (timeoutMillis > 0) ? start + timeoutMillis * 1_000_000L : 0;
		List<InetAddress> addresses = resolve(host, deadline, timeoutMillis, role);
		if (this.addressFilter != null) {
			// Checked here, before any connect: proxies included, as Boot's own clients
			// do.
			addresses = List.of(AddressFilterCheck.permitted(this.addressFilter, host, role,
					addresses.toArray(new InetAddress[0])));
		}
		return new DialRace(host, port, role, timeoutMillis, deadline, fallbackDelayNanos(), this::configure)
			.connect(addresses);
	}

	private long fallbackDelayNanos() {
		Duration delay = this.settings.dialFallbackDelay();
		return delay.isNegative() ? -1 : Math.min(delay.toNanos(), Long.MAX_VALUE / 4);
	}

	/**
	 * The host's addresses, looked up within the dial's deadline: a lookup the resolver
	 * does not answer in time is abandoned, not waited for ({@code getAllByName} cannot
	 * be interrupted, so it runs on a thread of its own). IP literals are not looked up.
	 */
	private List<InetAddress> resolve(String host, long deadline, int timeoutMillis, String role) throws IOException {
		try {
			if (deadline == 0 || isIpLiteral(host)) {
				return List.of(InetAddress.getAllByName(host));
			}
			Future<InetAddress[]> lookup = this.lookups.submit(() -> InetAddress.getAllByName(host));
			try {
				return List.of(lookup.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
			}
			catch (TimeoutException ex) {
				lookup.cancel(true);
				throw new TransportTimeoutException(Limit.DIAL, "Resolving " + role + "host " + host
						+ " timed out after " + timeoutMillis + " ms (" + Limit.DIAL.setting() + ")");
			}
			catch (InterruptedException ex) {
				lookup.cancel(true);
				Thread.currentThread().interrupt();
				throw new InterruptedIOException("Interrupted while resolving " + role + "host " + host);
			}
			catch (ExecutionException ex) {
				if (ex.getCause() instanceof UnknownHostException unknown) {
					throw unknown;
				}
				throw new IOException("Cannot resolve " + role + "host " + host + ": " + ex.getCause(), ex.getCause());
			}
		}
		catch (UnknownHostException ex) {
			UnknownHostException failure = new UnknownHostException(
					"Cannot resolve " + role + "host " + host + ": " + ex.getMessage());
			failure.initCause(ex);
			throw failure;
		}
	}

	private static boolean isIpLiteral(String host) {
		if (host.indexOf(':') >= 0) {
			return true;
		}
		for (int i = 0; i < host.length(); i++) {
			char c = host.charAt(i);
			if (!(c >= '0' && c <= '9') && c != '.') {
				return false;
			}
		}
		return !host.isEmpty();
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
	Socket handshake(SocketChannel channel, Socket plain, Destination destination) throws IOException {
		return handshake(channel, plain, destination.sslContext(), destination.host(), destination.port(),
				destination.toString());
	}

	/**
	 * TLS with {@code host:port} over {@code plain}, which may itself be TLS (with an
	 * {@code https://} proxy).
	 * @param peer who {@code host} is, for messages
	 */
	private Socket handshake(SocketChannel channel, Socket plain, SSLContext context, String host, int port,
			String peer) throws IOException {
		if (context == null) {
			try {
				context = SSLContext.getDefault();
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IOException("No default TLS context", ex);
			}
		}
		SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
		SSLParameters parameters = ssl.getSSLParameters();
		if (this.hostnameVerifier == null) {
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
		}
		if (isHostName(host)) {
			parameters.setServerNames(List.of(new SNIHostName(host)));
		}
		parameters.setApplicationProtocols(new String[] { "http/1.1" });
		ssl.setSSLParameters(parameters);
		int timeout = (int) Math.min(Integer.MAX_VALUE, this.settings.tlsHandshakeTimeout().toMillis());
		// One deadline for the whole handshake, not a limit per read: a server trickling
		// handshake bytes must not stretch it. When it passes, the raw channel is closed.
		HandshakeDeadline deadline = (timeout > 0) ? new HandshakeDeadline(channel, timeout) : null;
		if (deadline != null) {
			this.watchdog.watch(deadline);
		}
		try {
			ssl.startHandshake();
		}
		catch (IOException ex) {
			ssl.close();
			if (deadline != null && deadline.fired) {
				TransportTimeoutException failure = new TransportTimeoutException(Limit.TLS_HANDSHAKE,
						"TLS handshake with " + peer + " timed out after " + timeout + " ms ("
								+ Limit.TLS_HANDSHAKE.setting() + ")");
				failure.initCause(ex);
				throw failure;
			}
			if (ex instanceof SSLException ssle) {
				throw withContext(ssle, "TLS handshake with " + peer + " failed: " + ex.getMessage());
			}
			throw ex;
		}
		finally {
			if (deadline != null) {
				this.watchdog.unwatch(deadline);
			}
		}
		if (this.hostnameVerifier != null && !this.hostnameVerifier.verify(host, ssl.getSession())) {
			ssl.close();
			throw new SSLPeerUnverifiedException(
					"Certificate of " + peer + " does not match host " + host + " (hostname verifier refused it)");
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

	/**
	 * {@code failure}'s message with the destination added, keeping its type: callers
	 * (Spring Boot's SSL bundle tests among them) catch {@link SSLHandshakeException}.
	 */
	static SSLException withContext(SSLException failure, String message) {
		SSLException withContext;
		if (failure instanceof SSLHandshakeException) {
			withContext = new SSLHandshakeException(message);
		}
		else if (failure instanceof SSLPeerUnverifiedException) {
			withContext = new SSLPeerUnverifiedException(message);
		}
		else if (failure instanceof SSLProtocolException) {
			withContext = new SSLProtocolException(message);
		}
		else if (failure instanceof SSLKeyException) {
			withContext = new SSLKeyException(message);
		}
		else {
			withContext = new SSLException(message);
		}
		withContext.initCause(failure);
		return withContext;
	}

	/** Closes the raw channel of a handshake that took too long. */
	private static final class HandshakeDeadline extends Watchdog.Deadline {

		private final SocketChannel channel;

		private final long deadlineNanos;

		volatile boolean fired;

		HandshakeDeadline(SocketChannel channel, int timeoutMillis) {
			this.channel = channel;
			this.deadlineNanos = System.nanoTime() + timeoutMillis * 1_000_000L;
		}

		@Override
		protected long deadlineNanos() {
			return this.deadlineNanos;
		}

		@Override
		protected void expire() {
			this.fired = true;
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				// The handshake fails either way.
			}
		}

	}

}
