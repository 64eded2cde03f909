package dev.roundtrip.spring.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import dev.roundtrip.transport.HostSettings;
import dev.roundtrip.transport.IdleOrder;
import dev.roundtrip.transport.LeakDetection;
import dev.roundtrip.transport.TransportSettings;

/**
 * {@code roundtrip.transport.*}: the settings of the application's one
 * {@link dev.roundtrip.transport.Transport}. Each maps to a field of
 * {@link TransportSettings} (which names the Go field it ports); the defaults are the
 * same. A bad value fails startup with a message naming the property.
 */
@ConfigurationProperties(RoundtripTransportProperties.PREFIX)
public class RoundtripTransportProperties implements Validator {

	static final String PREFIX = "roundtrip.transport";

	/**
	 * Whether to send Spring Boot's auto-configured HTTP clients through the Roundtrip
	 * transport.
	 */
	private boolean enabled = true;

	/**
	 * Idle connections kept over all hosts; above it the least recently used is closed,
	 * and 0 means no cap.
	 */
	private int maxIdleConns = 100;

	/**
	 * Idle connections kept per host; a connection returned above it is closed, 0 keeps
	 * none, and a negative value disables pooling.
	 */
	private int maxIdleConnsPerHost = 100;

	/**
	 * Connections per host, counting dials in progress, active and idle ones; further
	 * requests wait in FIFO order, and 0 means no limit.
	 */
	private int maxConnsPerHost = 0;

	/**
	 * How long a connection may stay idle in the pool before it is closed; 0 means
	 * forever.
	 */
	private Duration idleConnTimeout = Duration.ofSeconds(90);

	/**
	 * Whether to use each connection for one request only, sent with "Connection: close".
	 */
	private boolean disableKeepAlives = false;

	/**
	 * Whether to stop asking for gzip and deflate responses, which are otherwise
	 * requested and decoded transparently.
	 */
	private boolean disableCompression = false;

	/**
	 * Limit on resolving the host and establishing a TCP connection, shared by the
	 * addresses tried, overridden by spring.http.clients.connect-timeout; 0 means none.
	 */
	private Duration dialTimeout = Duration.ofSeconds(30);

	/**
	 * How long a dial to a host with IPv6 and IPv4 addresses waits for the first family
	 * before racing the other (Happy Eyeballs); negative tries them one after another.
	 */
	private Duration dialFallbackDelay = Duration.ofMillis(300);

	/**
	 * Idle time before TCP keep-alive probes are sent on a connection; 0 turns the probes
	 * off.
	 */
	private Duration tcpKeepAlive = Duration.ofSeconds(30);

	/**
	 * Limit on the TLS handshake; 0 means none.
	 */
	private Duration tlsHandshakeTimeout = Duration.ofSeconds(10);

	/**
	 * Limit from the request fully written to the response headers read; 0 means none.
	 */
	private Duration responseHeaderTimeout = Duration.ofSeconds(0);

	/**
	 * How long a request with "Expect: 100-continue" waits for "100 Continue" before
	 * sending its body anyway; 0 sends it at once.
	 */
	private Duration expectContinueTimeout = Duration.ofSeconds(1);

	/**
	 * Limit on each socket read, overridden by spring.http.clients.read-timeout; 0 means
	 * none.
	 */
	private Duration readTimeout = Duration.ofSeconds(0);

	/**
	 * Limit on the size of a response's status line and headers, 1xx responses included,
	 * at least 64B.
	 */
	private DataSize maxResponseHeaderBytes = DataSize.ofMegabytes(10);

	/**
	 * Bytes buffered per connection for writing, from 256B to 16MB.
	 */
	private DataSize writeBufferSize = DataSize.ofKilobytes(8);

	/**
	 * Bytes buffered per connection for reading, from 256B to 16MB.
	 */
	private DataSize readBufferSize = DataSize.ofKilobytes(8);

	/**
	 * Age after which a connection is no longer reused, so that DNS changes are seen
	 * under steady load; 0 means no limit.
	 */
	private Duration maxConnLifetime = Duration.ofSeconds(0);

	/**
	 * Whether a response's "Keep-Alive: timeout=N, max=M" shortens the idle timeout and
	 * limits the requests on its connection.
	 */
	private boolean honorKeepAliveHeader = true;

	/**
	 * What to do about responses dropped without being read to the end or closed: detect
	 * them and close their connections (simple), do that and record where each request
	 * was sent (paranoid), or nothing (disabled).
	 */
	private LeakDetection leakDetection = LeakDetection.SIMPLE;

	/**
	 * How long a request may wait for a connection to a host at max-conns-per-host before
	 * it fails with a pool-wait timeout; 0 fails at once. Unset, it waits as long as the
	 * request's own timeout allows.
	 */
	private @Nullable Duration poolWaitTimeout;

	/**
	 * How many requests may wait at once for a connection to a host at
	 * max-conns-per-host; the next one is refused at once. 0 means no limit.
	 */
	private int maxPendingPerHost;

	/**
	 * How much earlier than max-conn-lifetime a connection may expire: each draws its own
	 * lifetime between max-conn-lifetime minus this and max-conn-lifetime, so that
	 * connections opened together do not reconnect together. Unset, 10% of
	 * max-conn-lifetime; 0 for none.
	 */
	private @Nullable Duration maxConnLifetimeJitter;

	/**
	 * Requests after which a connection is closed rather than reused, like a server's
	 * "Keep-Alive: max"; 0 means no limit.
	 */
	private int maxRequestsPerConn;

	/**
	 * Which idle connection a request takes: the most recently used (lifo, as Go), which
	 * lets surplus connections time out, or the least recently used (fifo), which spreads
	 * requests over all of them, as a layer-4 load balancer needs.
	 */
	private IdleOrder idleOrder = IdleOrder.LIFO;

	/**
	 * How long before the server's "Keep-Alive: timeout=N" a connection stops being
	 * reused, since reusing it up to N races the server's close. A timeout no longer than
	 * this means no reuse after idling.
	 */
	private Duration keepAliveMargin = Duration.ofSeconds(1);

	private final DrainOnClose drainOnClose = new DrainOnClose();

	private final Proxy proxy = new Proxy();

	/**
	 * Per-destination overrides of max-conns-per-host, max-idle-conns-per-host,
	 * idle-conn-timeout, max-conn-lifetime, max-conn-lifetime-jitter,
	 * response-header-timeout, pool-wait-timeout, max-pending-per-host,
	 * max-requests-per-conn and idle-order, and warm connections (min-idle-conns), keyed
	 * by host:port, such as hosts.[api.example.com\:443].max-conns-per-host=8 in a
	 * properties file.
	 */
	private final Map<String, Host> hosts = new LinkedHashMap<>();

	/** The transport settings these properties describe. */
	TransportSettings toSettings() {
		Map<String, HostSettings> hostSettings = new LinkedHashMap<>();
		this.hosts.forEach((authority, host) -> hostSettings.put(authority, host.toSettings(authority)));
		return new TransportSettings(this.maxIdleConns, this.maxIdleConnsPerHost, this.maxConnsPerHost,
				required(this.idleConnTimeout, "idle-conn-timeout"), this.disableKeepAlives, this.disableCompression,
				required(this.dialTimeout, "dial-timeout"), required(this.dialFallbackDelay, "dial-fallback-delay"),
				required(this.tcpKeepAlive, "tcp-keep-alive"),
				required(this.tlsHandshakeTimeout, "tls-handshake-timeout"),
				required(this.responseHeaderTimeout, "response-header-timeout"),
				required(this.expectContinueTimeout, "expect-continue-timeout"),
				required(this.readTimeout, "read-timeout"),
				required(this.maxResponseHeaderBytes, "max-response-header-bytes").toBytes(),
				toInt(required(this.writeBufferSize, "write-buffer-size")),
				toInt(required(this.readBufferSize, "read-buffer-size")),
				required(this.maxConnLifetime, "max-conn-lifetime"), this.honorKeepAliveHeader,
				required(this.drainOnClose.maxBytes, "drain-on-close.max-bytes").toBytes(),
				required(this.drainOnClose.timeout, "drain-on-close.timeout"),
				required(this.leakDetection, "leak-detection"), this.proxy.url, this.proxy.fromEnvironment,
				hostSettings, this.proxy.nonProxyHosts, this.poolWaitTimeout, this.maxPendingPerHost,
				this.maxConnLifetimeJitter, this.maxRequestsPerConn, required(this.idleOrder, "idle-order"),
				required(this.keepAliveMargin, "keep-alive-margin"));
	}

	private static <T> T required(@Nullable T value, String name) {
		if (value == null) {
			throw new IllegalArgumentException(name + " must be set");
		}
		return value;
	}

	private static int toInt(DataSize size) {
		// Out of range either way: let TransportSettings say what the range is.
		return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, size.toBytes()));
	}

	@Override
	public boolean supports(Class<?> type) {
		return RoundtripTransportProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks the values by building the settings, so the rules live in one place
	 * ({@link TransportSettings}); its messages start with the setting's name, which is
	 * the property's name below {@value #PREFIX}.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		try {
			((RoundtripTransportProperties) target).toSettings();
		}
		catch (IllegalArgumentException ex) {
			errors.reject("roundtrip.transport.invalid", PREFIX + "." + ex.getMessage());
		}
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getMaxIdleConns() {
		return this.maxIdleConns;
	}

	public void setMaxIdleConns(int maxIdleConns) {
		this.maxIdleConns = maxIdleConns;
	}

	public int getMaxIdleConnsPerHost() {
		return this.maxIdleConnsPerHost;
	}

	public void setMaxIdleConnsPerHost(int maxIdleConnsPerHost) {
		this.maxIdleConnsPerHost = maxIdleConnsPerHost;
	}

	public int getMaxConnsPerHost() {
		return this.maxConnsPerHost;
	}

	public void setMaxConnsPerHost(int maxConnsPerHost) {
		this.maxConnsPerHost = maxConnsPerHost;
	}

	public Duration getIdleConnTimeout() {
		return this.idleConnTimeout;
	}

	public void setIdleConnTimeout(Duration idleConnTimeout) {
		this.idleConnTimeout = idleConnTimeout;
	}

	public boolean isDisableKeepAlives() {
		return this.disableKeepAlives;
	}

	public void setDisableKeepAlives(boolean disableKeepAlives) {
		this.disableKeepAlives = disableKeepAlives;
	}

	public boolean isDisableCompression() {
		return this.disableCompression;
	}

	public void setDisableCompression(boolean disableCompression) {
		this.disableCompression = disableCompression;
	}

	public Duration getDialTimeout() {
		return this.dialTimeout;
	}

	public void setDialTimeout(Duration dialTimeout) {
		this.dialTimeout = dialTimeout;
	}

	public Duration getDialFallbackDelay() {
		return this.dialFallbackDelay;
	}

	public void setDialFallbackDelay(Duration dialFallbackDelay) {
		this.dialFallbackDelay = dialFallbackDelay;
	}

	public Duration getTcpKeepAlive() {
		return this.tcpKeepAlive;
	}

	public void setTcpKeepAlive(Duration tcpKeepAlive) {
		this.tcpKeepAlive = tcpKeepAlive;
	}

	public Duration getTlsHandshakeTimeout() {
		return this.tlsHandshakeTimeout;
	}

	public void setTlsHandshakeTimeout(Duration tlsHandshakeTimeout) {
		this.tlsHandshakeTimeout = tlsHandshakeTimeout;
	}

	public Duration getResponseHeaderTimeout() {
		return this.responseHeaderTimeout;
	}

	public void setResponseHeaderTimeout(Duration responseHeaderTimeout) {
		this.responseHeaderTimeout = responseHeaderTimeout;
	}

	public Duration getExpectContinueTimeout() {
		return this.expectContinueTimeout;
	}

	public void setExpectContinueTimeout(Duration expectContinueTimeout) {
		this.expectContinueTimeout = expectContinueTimeout;
	}

	public Duration getReadTimeout() {
		return this.readTimeout;
	}

	public void setReadTimeout(Duration readTimeout) {
		this.readTimeout = readTimeout;
	}

	public DataSize getMaxResponseHeaderBytes() {
		return this.maxResponseHeaderBytes;
	}

	public void setMaxResponseHeaderBytes(DataSize maxResponseHeaderBytes) {
		this.maxResponseHeaderBytes = maxResponseHeaderBytes;
	}

	public DataSize getWriteBufferSize() {
		return this.writeBufferSize;
	}

	public void setWriteBufferSize(DataSize writeBufferSize) {
		this.writeBufferSize = writeBufferSize;
	}

	public DataSize getReadBufferSize() {
		return this.readBufferSize;
	}

	public void setReadBufferSize(DataSize readBufferSize) {
		this.readBufferSize = readBufferSize;
	}

	public Duration getMaxConnLifetime() {
		return this.maxConnLifetime;
	}

	public void setMaxConnLifetime(Duration maxConnLifetime) {
		this.maxConnLifetime = maxConnLifetime;
	}

	public boolean isHonorKeepAliveHeader() {
		return this.honorKeepAliveHeader;
	}

	public void setHonorKeepAliveHeader(boolean honorKeepAliveHeader) {
		this.honorKeepAliveHeader = honorKeepAliveHeader;
	}

	public LeakDetection getLeakDetection() {
		return this.leakDetection;
	}

	public void setLeakDetection(LeakDetection leakDetection) {
		this.leakDetection = leakDetection;
	}

	public @Nullable Duration getPoolWaitTimeout() {
		return this.poolWaitTimeout;
	}

	public void setPoolWaitTimeout(@Nullable Duration poolWaitTimeout) {
		this.poolWaitTimeout = poolWaitTimeout;
	}

	public int getMaxPendingPerHost() {
		return this.maxPendingPerHost;
	}

	public void setMaxPendingPerHost(int maxPendingPerHost) {
		this.maxPendingPerHost = maxPendingPerHost;
	}

	public @Nullable Duration getMaxConnLifetimeJitter() {
		return this.maxConnLifetimeJitter;
	}

	public void setMaxConnLifetimeJitter(@Nullable Duration maxConnLifetimeJitter) {
		this.maxConnLifetimeJitter = maxConnLifetimeJitter;
	}

	public int getMaxRequestsPerConn() {
		return this.maxRequestsPerConn;
	}

	public void setMaxRequestsPerConn(int maxRequestsPerConn) {
		this.maxRequestsPerConn = maxRequestsPerConn;
	}

	public IdleOrder getIdleOrder() {
		return this.idleOrder;
	}

	public void setIdleOrder(IdleOrder idleOrder) {
		this.idleOrder = idleOrder;
	}

	public Duration getKeepAliveMargin() {
		return this.keepAliveMargin;
	}

	public void setKeepAliveMargin(Duration keepAliveMargin) {
		this.keepAliveMargin = keepAliveMargin;
	}

	public DrainOnClose getDrainOnClose() {
		return this.drainOnClose;
	}

	public Proxy getProxy() {
		return this.proxy;
	}

	public Map<String, Host> getHosts() {
		return this.hosts;
	}

	/** {@code drain-on-close.*}: what happens to a body closed before its end. */
	public static class DrainOnClose {

		/**
		 * When a response body is closed before its end, read and discard up to this much
		 * more to keep the connection; 0 closes the connection as Go does.
		 */
		private DataSize maxBytes = DataSize.ofKilobytes(64);

		/**
		 * How long such a drain may take before the connection is closed instead.
		 */
		private Duration timeout = Duration.ofMillis(100);

		public DataSize getMaxBytes() {
			return this.maxBytes;
		}

		public void setMaxBytes(DataSize maxBytes) {
			this.maxBytes = maxBytes;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/** {@code proxy.*}: the proxy. */
	public static class Proxy {

		/**
		 * Proxy for every request: http://user:password@proxy:3128 (https goes through a
		 * CONNECT tunnel), https://proxy:443 (the same inside TLS with the proxy, checked
		 * with the transport's trust settings), or socks5://[user:password@]proxy:1080
		 * (the proxy resolves the host).
		 */
		private @Nullable URI url;

		/**
		 * Whether to take the proxy from the HTTP_PROXY, HTTPS_PROXY and NO_PROXY
		 * environment variables when no url is set.
		 */
		private boolean fromEnvironment = false;

		/**
		 * Destinations reached directly rather than through the proxy, in NO_PROXY
		 * syntax: comma-separated host names (.example.com or *.example.com for
		 * subdomains), IP addresses and CIDR ranges, each with an optional :port, or *
		 * for all; with from-environment it replaces the NO_PROXY variable.
		 */
		private @Nullable String nonProxyHosts;

		public @Nullable String getNonProxyHosts() {
			return this.nonProxyHosts;
		}

		public void setNonProxyHosts(@Nullable String nonProxyHosts) {
			this.nonProxyHosts = nonProxyHosts;
		}

		public @Nullable URI getUrl() {
			return this.url;
		}

		public void setUrl(@Nullable URI url) {
			this.url = url;
		}

		public boolean isFromEnvironment() {
			return this.fromEnvironment;
		}

		public void setFromEnvironment(boolean fromEnvironment) {
			this.fromEnvironment = fromEnvironment;
		}

	}

	/**
	 * {@code hosts.[host:port].*}: overrides for one destination; what is not set is
	 * inherited.
	 */
	public static class Host {

		/**
		 * Connections to this host, counting dials in progress, active and idle ones; 0
		 * means no limit.
		 */
		private @Nullable Integer maxConnsPerHost;

		/**
		 * Idle connections kept for this host; a negative value disables pooling.
		 */
		private @Nullable Integer maxIdleConnsPerHost;

		/**
		 * How long a connection to this host may stay idle before it is closed; 0 means
		 * forever.
		 */
		private @Nullable Duration idleConnTimeout;

		/**
		 * Age after which a connection to this host is no longer reused; 0 means no
		 * limit.
		 */
		private @Nullable Duration maxConnLifetime;

		/**
		 * Limit from the request written to the response headers read, for this host; 0
		 * means none.
		 */
		private @Nullable Duration responseHeaderTimeout;

		/**
		 * How long a request may wait for a connection to this host when it is at
		 * max-conns-per-host; 0 fails at once.
		 */
		private @Nullable Duration poolWaitTimeout;

		/**
		 * How many requests may wait at once for a connection to this host; 0 means no
		 * limit.
		 */
		private @Nullable Integer maxPendingPerHost;

		/**
		 * How much earlier than its max-conn-lifetime a connection to this host may
		 * expire.
		 */
		private @Nullable Duration maxConnLifetimeJitter;

		/**
		 * Requests after which a connection to this host is closed; 0 means no limit.
		 */
		private @Nullable Integer maxRequestsPerConn;

		/**
		 * Which idle connection to this host a request takes: lifo or fifo.
		 */
		private @Nullable IdleOrder idleOrder;

		/**
		 * Connections kept open to this host at all times: opened when the application
		 * starts (for ports 443 and 80, as https and http) or at the first request (any
		 * port), re-opened with backoff when they close, exempt from the idle timeout but
		 * not from max-conn-lifetime. 0 means none.
		 */
		private int minIdleConns;

		/**
		 * Unix domain socket file that connections to this host are made to instead of
		 * TCP, such as /var/run/docker.sock; no DNS lookup, proxy or address filter
		 * applies, and https still checks the certificate for the host.
		 */
		private @Nullable Path unixSocket;

		HostSettings toSettings(String authority) {
			try {
				return new HostSettings(this.maxConnsPerHost, this.maxIdleConnsPerHost, this.idleConnTimeout,
						this.maxConnLifetime, this.responseHeaderTimeout, this.poolWaitTimeout, this.maxPendingPerHost,
						this.maxConnLifetimeJitter, this.maxRequestsPerConn, this.idleOrder, this.minIdleConns,
						this.unixSocket);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("hosts.[" + authority + "]." + ex.getMessage(), ex);
			}
		}

		public @Nullable Integer getMaxConnsPerHost() {
			return this.maxConnsPerHost;
		}

		public void setMaxConnsPerHost(@Nullable Integer maxConnsPerHost) {
			this.maxConnsPerHost = maxConnsPerHost;
		}

		public @Nullable Integer getMaxIdleConnsPerHost() {
			return this.maxIdleConnsPerHost;
		}

		public void setMaxIdleConnsPerHost(@Nullable Integer maxIdleConnsPerHost) {
			this.maxIdleConnsPerHost = maxIdleConnsPerHost;
		}

		public @Nullable Duration getIdleConnTimeout() {
			return this.idleConnTimeout;
		}

		public void setIdleConnTimeout(@Nullable Duration idleConnTimeout) {
			this.idleConnTimeout = idleConnTimeout;
		}

		public @Nullable Duration getMaxConnLifetime() {
			return this.maxConnLifetime;
		}

		public void setMaxConnLifetime(@Nullable Duration maxConnLifetime) {
			this.maxConnLifetime = maxConnLifetime;
		}

		public @Nullable Duration getResponseHeaderTimeout() {
			return this.responseHeaderTimeout;
		}

		public void setResponseHeaderTimeout(@Nullable Duration responseHeaderTimeout) {
			this.responseHeaderTimeout = responseHeaderTimeout;
		}

		public @Nullable Duration getPoolWaitTimeout() {
			return this.poolWaitTimeout;
		}

		public void setPoolWaitTimeout(@Nullable Duration poolWaitTimeout) {
			this.poolWaitTimeout = poolWaitTimeout;
		}

		public @Nullable Integer getMaxPendingPerHost() {
			return this.maxPendingPerHost;
		}

		public void setMaxPendingPerHost(@Nullable Integer maxPendingPerHost) {
			this.maxPendingPerHost = maxPendingPerHost;
		}

		public @Nullable Duration getMaxConnLifetimeJitter() {
			return this.maxConnLifetimeJitter;
		}

		public void setMaxConnLifetimeJitter(@Nullable Duration maxConnLifetimeJitter) {
			this.maxConnLifetimeJitter = maxConnLifetimeJitter;
		}

		public @Nullable Integer getMaxRequestsPerConn() {
			return this.maxRequestsPerConn;
		}

		public void setMaxRequestsPerConn(@Nullable Integer maxRequestsPerConn) {
			this.maxRequestsPerConn = maxRequestsPerConn;
		}

		public @Nullable IdleOrder getIdleOrder() {
			return this.idleOrder;
		}

		public void setIdleOrder(@Nullable IdleOrder idleOrder) {
			this.idleOrder = idleOrder;
		}

		public int getMinIdleConns() {
			return this.minIdleConns;
		}

		public void setMinIdleConns(int minIdleConns) {
			this.minIdleConns = minIdleConns;
		}

		public @Nullable Path getUnixSocket() {
			return this.unixSocket;
		}

		public void setUnixSocket(@Nullable Path unixSocket) {
			this.unixSocket = unixSocket;
		}

	}

}
