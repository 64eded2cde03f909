package dev.roundtrip.transport;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

import dev.roundtrip.transport.internal.Engine;

/**
 * A pooled HTTP/1.1 client transport with the connection semantics of Go's
 * {@code net/http.Transport}. Thread-safe and long-lived: make one, share it, close it on
 * shutdown.
 *
 * <pre>{@code
 * try (Transport transport = Transport.builder().maxConnsPerHost(8).build();
 *      Response response = transport.roundTrip(Request.get("http://localhost:8080/"))) {
 *     byte[] body = response.body().readAllBytes(); // read to the end: the connection is reused
 * }
 * }</pre>
 *
 * <p>
 * Like Go's transport this one does not follow redirects, keep cookies or add
 * authentication: it sends one request and returns one response.
 */
public final class Transport implements AutoCloseable {

	private final Engine engine;

	private final @Nullable AddressFilter addressFilter;

	private Transport(Builder builder) {
		TransportSettings settings = new TransportSettings(builder.maxIdleConns, builder.maxIdleConnsPerHost,
				builder.maxConnsPerHost, builder.idleConnTimeout, builder.disableKeepAlives, builder.disableCompression,
				builder.dialTimeout, builder.dialFallbackDelay, builder.tcpKeepAlive, builder.tlsHandshakeTimeout,
				builder.responseHeaderTimeout, builder.expectContinueTimeout, builder.readTimeout,
				builder.maxResponseHeaderBytes, builder.writeBufferSize, builder.readBufferSize,
				builder.maxConnLifetime, builder.honorKeepAliveHeader, builder.drainOnCloseMaxBytes,
				builder.drainOnCloseTimeout, builder.leakDetection, builder.proxy, builder.proxyFromEnvironment,
				builder.hosts, builder.nonProxyHosts, builder.poolWaitTimeout, builder.maxPendingPerHost,
				builder.maxConnLifetimeJitter, builder.maxRequestsPerConn, builder.idleOrder, builder.keepAliveMargin);
		this.addressFilter = builder.addressFilter;
		this.engine = new Engine(settings, builder.sslContext, builder.hostnameVerifier, builder.listener,
				builder.nanoClock, System::getenv, builder.addressFilter);
	}

	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Sends one request and returns its response once the headers arrive. Go:
	 * {@code (*Transport).RoundTrip}. Equivalent to {@code newCall(request).execute()}.
	 */
	public Response roundTrip(Request request) throws IOException {
		return newCall(request).execute();
	}

	/**
	 * A call for {@code request}, to execute on this thread and cancel from any other.
	 */
	public Call newCall(Request request) {
		return this.engine.newCall(Objects.requireNonNull(request, "request"));
	}

	/**
	 * Closes every idle connection; connections in use are left to finish, and those
	 * returned before the next request starts are closed too. Go:
	 * {@code (*Transport).CloseIdleConnections}.
	 */
	public void closeIdleConnections() {
		this.engine.pool().closeIdle();
	}

	/**
	 * Closes the idle connections of the destinations that match; connections of any
	 * destination returned afterwards are pooled as usual.
	 */
	public void closeIdleConnections(Predicate<Destination> destinations) {
		this.engine.pool().closeIdle(Objects.requireNonNull(destinations, "destinations"));
	}

	/** A consistent snapshot of the pool. */
	public PoolStats stats() {
		return this.engine.pool().stats();
	}

	/**
	 * The filter every address is checked against before the transport connects to it, or
	 * {@code null} when every address is permitted.
	 */
	public @Nullable AddressFilter addressFilter() {
		return this.addressFilter;
	}

	/**
	 * What the transport remembers of each destination: connections opened, closed by
	 * reason, requests carried, and, once none is left open, when it will be forgotten
	 * (see {@link DestinationHistory#RETENTION}).
	 */
	public List<DestinationHistory> history() {
		return this.engine.history();
	}

	/** The settings this transport was built with. */
	public TransportSettings settings() {
		return this.engine.settings();
	}

	/**
	 * Closes idle connections and refuses new calls. Exchanges in flight finish; their
	 * connections are closed when released. Requests waiting for a connection fail.
	 */
	@Override
	public void close() {
		this.engine.close();
	}

	/**
	 * Builds a {@link Transport}. Every setting starts at the default documented on
	 * {@link TransportSettings}; values are checked when {@link #build()} is called, and
	 * a bad one fails with a message naming the setting.
	 */
	public static final class Builder {

		private final TransportSettings d = TransportSettings.DEFAULTS;

		private int maxIdleConns = this.d.maxIdleConns();

		private int maxIdleConnsPerHost = this.d.maxIdleConnsPerHost();

		private int maxConnsPerHost = this.d.maxConnsPerHost();

		private Duration idleConnTimeout = this.d.idleConnTimeout();

		private boolean disableKeepAlives = this.d.disableKeepAlives();

		private boolean disableCompression = this.d.disableCompression();

		private Duration dialTimeout = this.d.dialTimeout();

		private Duration dialFallbackDelay = this.d.dialFallbackDelay();

		private Duration tcpKeepAlive = this.d.tcpKeepAlive();

		private Duration tlsHandshakeTimeout = this.d.tlsHandshakeTimeout();

		private Duration responseHeaderTimeout = this.d.responseHeaderTimeout();

		private Duration expectContinueTimeout = this.d.expectContinueTimeout();

		private Duration readTimeout = this.d.readTimeout();

		private long maxResponseHeaderBytes = this.d.maxResponseHeaderBytes();

		private int writeBufferSize = this.d.writeBufferSize();

		private int readBufferSize = this.d.readBufferSize();

		private Duration maxConnLifetime = this.d.maxConnLifetime();

		private boolean honorKeepAliveHeader = this.d.honorKeepAliveHeader();

		private long drainOnCloseMaxBytes = this.d.drainOnCloseMaxBytes();

		private Duration drainOnCloseTimeout = this.d.drainOnCloseTimeout();

		private LeakDetection leakDetection = this.d.leakDetection();

		private @Nullable URI proxy;

		private boolean proxyFromEnvironment;

		private @Nullable String nonProxyHosts;

		private @Nullable Duration poolWaitTimeout = this.d.poolWaitTimeout();

		private int maxPendingPerHost = this.d.maxPendingPerHost();

		private @Nullable Duration maxConnLifetimeJitter = this.d.maxConnLifetimeJitter();

		private int maxRequestsPerConn = this.d.maxRequestsPerConn();

		private IdleOrder idleOrder = this.d.idleOrder();

		private Duration keepAliveMargin = this.d.keepAliveMargin();

		private final Map<String, HostSettings> hosts = new LinkedHashMap<>();

		private @Nullable SSLContext sslContext;

		private @Nullable HostnameVerifier hostnameVerifier;

		private TransportListener listener = TransportListener.NONE;

		private LongSupplier nanoClock = System::nanoTime;

		private @Nullable AddressFilter addressFilter;

		private Builder() {
		}

		/** Copies every setting from {@code settings}. */
		public Builder settings(TransportSettings settings) {
			this.maxIdleConns = settings.maxIdleConns();
			this.maxIdleConnsPerHost = settings.maxIdleConnsPerHost();
			this.maxConnsPerHost = settings.maxConnsPerHost();
			this.idleConnTimeout = settings.idleConnTimeout();
			this.disableKeepAlives = settings.disableKeepAlives();
			this.disableCompression = settings.disableCompression();
			this.dialTimeout = settings.dialTimeout();
			this.dialFallbackDelay = settings.dialFallbackDelay();
			this.tcpKeepAlive = settings.tcpKeepAlive();
			this.tlsHandshakeTimeout = settings.tlsHandshakeTimeout();
			this.responseHeaderTimeout = settings.responseHeaderTimeout();
			this.expectContinueTimeout = settings.expectContinueTimeout();
			this.readTimeout = settings.readTimeout();
			this.maxResponseHeaderBytes = settings.maxResponseHeaderBytes();
			this.writeBufferSize = settings.writeBufferSize();
			this.readBufferSize = settings.readBufferSize();
			this.maxConnLifetime = settings.maxConnLifetime();
			this.honorKeepAliveHeader = settings.honorKeepAliveHeader();
			this.drainOnCloseMaxBytes = settings.drainOnCloseMaxBytes();
			this.drainOnCloseTimeout = settings.drainOnCloseTimeout();
			this.leakDetection = settings.leakDetection();
			this.proxy = settings.proxy();
			this.proxyFromEnvironment = settings.proxyFromEnvironment();
			this.hosts.clear();
			this.hosts.putAll(settings.hosts());
			this.nonProxyHosts = settings.nonProxyHosts();
			this.poolWaitTimeout = settings.poolWaitTimeout();
			this.maxPendingPerHost = settings.maxPendingPerHost();
			this.maxConnLifetimeJitter = settings.maxConnLifetimeJitter();
			this.maxRequestsPerConn = settings.maxRequestsPerConn();
			this.idleOrder = settings.idleOrder();
			this.keepAliveMargin = settings.keepAliveMargin();
			return this;
		}

		/**
		 * {@code max-idle-conns}: idle connections kept over all hosts; 0 = no cap.
		 * Default 100.
		 */
		public Builder maxIdleConns(int maxIdleConns) {
			this.maxIdleConns = maxIdleConns;
			return this;
		}

		/**
		 * {@code max-idle-conns-per-host}: idle connections kept per destination;
		 * negative disables pooling. Default 100.
		 */
		public Builder maxIdleConnsPerHost(int maxIdleConnsPerHost) {
			this.maxIdleConnsPerHost = maxIdleConnsPerHost;
			return this;
		}

		/**
		 * {@code max-conns-per-host}: dialing + active + idle per destination; 0 = no
		 * limit. Default 0.
		 */
		public Builder maxConnsPerHost(int maxConnsPerHost) {
			this.maxConnsPerHost = maxConnsPerHost;
			return this;
		}

		/**
		 * {@code idle-conn-timeout}: idle connections are closed after this; zero =
		 * never. Default 90s.
		 */
		public Builder idleConnTimeout(Duration idleConnTimeout) {
			this.idleConnTimeout = Objects.requireNonNull(idleConnTimeout, "idle-conn-timeout");
			return this;
		}

		/** {@code disable-keep-alives}: one request per connection. Default false. */
		public Builder disableKeepAlives(boolean disableKeepAlives) {
			this.disableKeepAlives = disableKeepAlives;
			return this;
		}

		/** {@code disable-compression}: do not ask for gzip. Default false. */
		public Builder disableCompression(boolean disableCompression) {
			this.disableCompression = disableCompression;
			return this;
		}

		/**
		 * {@code dial-timeout}: resolving the host and connecting, over all its
		 * addresses; zero = none. Default 30s.
		 */
		public Builder dialTimeout(Duration dialTimeout) {
			this.dialTimeout = Objects.requireNonNull(dialTimeout, "dial-timeout");
			return this;
		}

		/**
		 * {@code dial-fallback-delay}: how long to wait for the first address family
		 * before racing the other (RFC 8305); negative = no race. Default 300ms.
		 */
		public Builder dialFallbackDelay(Duration dialFallbackDelay) {
			this.dialFallbackDelay = Objects.requireNonNull(dialFallbackDelay, "dial-fallback-delay");
			return this;
		}

		/**
		 * {@code tcp-keep-alive}: idle time before TCP keep-alive probes; zero = off.
		 * Default 30s.
		 */
		public Builder tcpKeepAlive(Duration tcpKeepAlive) {
			this.tcpKeepAlive = Objects.requireNonNull(tcpKeepAlive, "tcp-keep-alive");
			return this;
		}

		/** {@code tls-handshake-timeout}: zero = none. Default 10s. */
		public Builder tlsHandshakeTimeout(Duration tlsHandshakeTimeout) {
			this.tlsHandshakeTimeout = Objects.requireNonNull(tlsHandshakeTimeout, "tls-handshake-timeout");
			return this;
		}

		/**
		 * {@code response-header-timeout}: request written → headers read; zero = none.
		 * Default zero.
		 */
		public Builder responseHeaderTimeout(Duration responseHeaderTimeout) {
			this.responseHeaderTimeout = Objects.requireNonNull(responseHeaderTimeout, "response-header-timeout");
			return this;
		}

		/**
		 * {@code expect-continue-timeout}: wait for 100 Continue; zero sends the body at
		 * once. Default 1s.
		 */
		public Builder expectContinueTimeout(Duration expectContinueTimeout) {
			this.expectContinueTimeout = Objects.requireNonNull(expectContinueTimeout, "expect-continue-timeout");
			return this;
		}

		/** {@code read-timeout}: each socket read; zero = none. Default zero. */
		public Builder readTimeout(Duration readTimeout) {
			this.readTimeout = Objects.requireNonNull(readTimeout, "read-timeout");
			return this;
		}

		/**
		 * {@code max-response-header-bytes}: status line and headers, 1xx included.
		 * Default 10 MiB.
		 */
		public Builder maxResponseHeaderBytes(long maxResponseHeaderBytes) {
			this.maxResponseHeaderBytes = maxResponseHeaderBytes;
			return this;
		}

		/**
		 * {@code write-buffer-size}: bytes buffered per connection for writing. Default 8
		 * KiB.
		 */
		public Builder writeBufferSize(int writeBufferSize) {
			this.writeBufferSize = writeBufferSize;
			return this;
		}

		/**
		 * {@code read-buffer-size}: bytes buffered per connection for reading. Default 8
		 * KiB.
		 */
		public Builder readBufferSize(int readBufferSize) {
			this.readBufferSize = readBufferSize;
			return this;
		}

		/**
		 * {@code max-conn-lifetime}: connections older than this are not reused; zero =
		 * no limit. Default zero.
		 */
		public Builder maxConnLifetime(Duration maxConnLifetime) {
			this.maxConnLifetime = Objects.requireNonNull(maxConnLifetime, "max-conn-lifetime");
			return this;
		}

		/**
		 * {@code honor-keep-alive-header}: obey the server's
		 * {@code Keep-Alive: timeout=, max=}. Default true.
		 */
		public Builder honorKeepAliveHeader(boolean honorKeepAliveHeader) {
			this.honorKeepAliveHeader = honorKeepAliveHeader;
			return this;
		}

		/**
		 * {@code drain-on-close.max-bytes}: drain at most this much of a body closed
		 * early; 0 = Go's behaviour. Default 64 KiB.
		 */
		public Builder drainOnCloseMaxBytes(long drainOnCloseMaxBytes) {
			this.drainOnCloseMaxBytes = drainOnCloseMaxBytes;
			return this;
		}

		/**
		 * {@code drain-on-close.timeout}: how long such a drain may take. Default 100ms.
		 */
		public Builder drainOnCloseTimeout(Duration drainOnCloseTimeout) {
			this.drainOnCloseTimeout = Objects.requireNonNull(drainOnCloseTimeout, "drain-on-close.timeout");
			return this;
		}

		/** {@code leak-detection}. Default {@link LeakDetection#SIMPLE}. */
		public Builder leakDetection(LeakDetection leakDetection) {
			this.leakDetection = leakDetection;
			return this;
		}

		/**
		 * {@code proxy.url}: an {@code http://}, {@code https://} or {@code socks5://}
		 * {@code [user:password@]host:port} proxy for every request; {@code null} for
		 * none.
		 */
		public Builder proxy(@Nullable URI proxy) {
			this.proxy = proxy;
			return this;
		}

		/**
		 * {@code proxy.from-environment}: use {@code HTTP_PROXY}, {@code HTTPS_PROXY},
		 * {@code NO_PROXY}. Default false.
		 */
		public Builder proxyFromEnvironment(boolean proxyFromEnvironment) {
			this.proxyFromEnvironment = proxyFromEnvironment;
			return this;
		}

		/**
		 * {@code proxy.non-proxy-hosts}: destinations reached directly, in
		 * {@code NO_PROXY} syntax ({@code internal.example.com,.svc,10.0.0.0/8,*}); with
		 * {@code proxy.from-environment} it replaces {@code NO_PROXY}. Default none.
		 */
		public Builder nonProxyHosts(@Nullable String nonProxyHosts) {
			this.nonProxyHosts = nonProxyHosts;
			return this;
		}

		/**
		 * {@code pool-wait-timeout}: how long a request may wait for a connection to a
		 * destination at {@code max-conns-per-host}; zero fails at once, {@code null}
		 * waits as long as the request's timeout allows. Default {@code null}.
		 */
		public Builder poolWaitTimeout(@Nullable Duration poolWaitTimeout) {
			this.poolWaitTimeout = poolWaitTimeout;
			return this;
		}

		/**
		 * {@code max-pending-per-host}: how many requests may wait for a connection to a
		 * destination at {@code max-conns-per-host}; 0 = no limit. Default 0.
		 */
		public Builder maxPendingPerHost(int maxPendingPerHost) {
			this.maxPendingPerHost = maxPendingPerHost;
			return this;
		}

		/**
		 * {@code max-conn-lifetime-jitter}: each connection's lifetime is drawn from
		 * {@code [max-conn-lifetime - jitter, max-conn-lifetime]}; {@code null} = 10% of
		 * the lifetime. Default {@code null}.
		 */
		public Builder maxConnLifetimeJitter(@Nullable Duration maxConnLifetimeJitter) {
			this.maxConnLifetimeJitter = maxConnLifetimeJitter;
			return this;
		}

		/**
		 * {@code max-requests-per-conn}: close a connection after this many exchanges; 0
		 * = no limit. Default 0.
		 */
		public Builder maxRequestsPerConn(int maxRequestsPerConn) {
			this.maxRequestsPerConn = maxRequestsPerConn;
			return this;
		}

		/**
		 * {@code idle-order}: which idle connection a request takes. Default
		 * {@link IdleOrder#LIFO}.
		 */
		public Builder idleOrder(IdleOrder idleOrder) {
			this.idleOrder = Objects.requireNonNull(idleOrder, "idle-order");
			return this;
		}

		/**
		 * {@code keep-alive-margin}: stop reusing a connection this long before the
		 * server's {@code Keep-Alive: timeout=}. Default 1s.
		 */
		public Builder keepAliveMargin(Duration keepAliveMargin) {
			this.keepAliveMargin = Objects.requireNonNull(keepAliveMargin, "keep-alive-margin");
			return this;
		}

		/** {@code hosts.<host:port>}: overrides for one destination. */
		public Builder host(String authority, HostSettings settings) {
			this.hosts.put(Objects.requireNonNull(authority, "authority"),
					Objects.requireNonNull(settings, "settings"));
			return this;
		}

		/**
		 * The TLS configuration for {@code https}; default
		 * {@link SSLContext#getDefault()}.
		 */
		public Builder sslContext(@Nullable SSLContext sslContext) {
			this.sslContext = sslContext;
			return this;
		}

		/**
		 * Replaces hostname verification for {@code https}. By default the certificate
		 * must match the host (RFC 2818, as browsers check).
		 */
		public Builder hostnameVerifier(@Nullable HostnameVerifier hostnameVerifier) {
			this.hostnameVerifier = hostnameVerifier;
			return this;
		}

		/** Receives the pool's and connections' events; see {@link TransportListener}. */
		public Builder listener(TransportListener listener) {
			this.listener = Objects.requireNonNull(listener, "listener");
			return this;
		}

		/**
		 * The clock for idle timeouts and connection ages, in nanoseconds, such as
		 * {@link System#nanoTime()} (the default). Tests pass a clock they advance.
		 */
		public Builder nanoClock(LongSupplier nanoClock) {
			this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
			return this;
		}

		/**
		 * Connects only to addresses {@code addressFilter} permits: every address a host
		 * (or the proxy) resolves to is checked before connecting, refused ones are
		 * skipped, and a host with none permitted fails with a
		 * {@link FilteredAddressException}. Default {@code null}: every address.
		 */
		public Builder addressFilter(@Nullable AddressFilter addressFilter) {
			this.addressFilter = addressFilter;
			return this;
		}

		public Transport build() {
			return new Transport(this);
		}

	}

}
