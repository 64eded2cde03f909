package dev.roundtrip.transport;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The transport's configuration, as built by {@link Transport.Builder}: immutable,
 * validated, and readable by metrics and management endpoints. Names follow the
 * {@code roundtrip.transport.*} properties; the Go field each one ports is named beside
 * it.
 *
 * @param maxIdleConns idle connections kept over all destinations; when exceeded the
 * least recently used is closed. 0 = no cap. Default 100. Go: {@code MaxIdleConns}
 * @param maxIdleConnsPerHost idle connections kept per destination; a connection returned
 * above it is closed. 0 keeps none; negative disables pooling. Default 100 (Go's default
 * is 2). Go: {@code MaxIdleConnsPerHost}
 * @param maxConnsPerHost dialing + active + idle connections per destination; further
 * requests wait in FIFO order. 0 = no limit. Default 0. Go: {@code MaxConnsPerHost}
 * @param idleConnTimeout an idle connection is closed after this long unused. Zero =
 * never. Default 90s. Go: {@code IdleConnTimeout}
 * @param disableKeepAlives one request per connection, sent with
 * {@code Connection: close}. Default false. Go: {@code DisableKeepAlives}
 * @param disableCompression do not ask for gzip. Default false. Go:
 * {@code DisableCompression}
 * @param dialTimeout limit on resolving the host and connecting TCP, shared by the
 * addresses tried: each gets an equal part of what is left, but at least 2 s where the
 * limit allows. Zero = none. Default 30s. Go: {@code Dialer.Timeout}
 * @param dialFallbackDelay how long a dial to a host with both IPv6 and IPv4 addresses
 * waits for the first family before racing the other (Happy Eyeballs, RFC 8305). Zero
 * races at once; negative tries the addresses one after another. Default 300ms. Go:
 * {@code Dialer.FallbackDelay}
 * @param tcpKeepAlive idle time before TCP keep-alive probes on a socket. Zero = probes
 * off. Default 30s. Go: {@code Dialer.KeepAlive}
 * @param tlsHandshakeTimeout zero = none. Default 10s. Go: {@code TLSHandshakeTimeout}
 * @param responseHeaderTimeout from the request written to the response headers read.
 * Zero = none. Default zero. Go: {@code ResponseHeaderTimeout}
 * @param expectContinueTimeout how long a request with {@code Expect: 100-continue} waits
 * for {@code 100 Continue} before sending its body anyway. Zero sends the body at once.
 * Default 1s. Go: {@code ExpectContinueTimeout}
 * @param readTimeout limit on each socket read; a request may override it. Zero = none.
 * Default zero (Go has none)
 * @param maxResponseHeaderBytes limit on a response's status line and headers, 1xx
 * responses included. Default 10 MiB. Go: {@code MaxResponseHeaderBytes}
 * @param writeBufferSize bytes buffered per connection for writing. Default 8 KiB
 * @param readBufferSize bytes buffered per connection for reading. Default 8 KiB
 * @param maxConnLifetime a connection older than this is not reused; zero = no limit.
 * Default zero. Go issue #23427
 * @param honorKeepAliveHeader whether a response's {@code Keep-Alive:
 * timeout=N, max=M} shortens the idle timeout and limits the requests on that connection.
 * Default true. Go issue #15508
 * @param drainOnCloseMaxBytes when a body is closed before its end, read and discard up
 * to this many more bytes to keep the connection; 0 closes it as Go does. Default 64 KiB.
 * Go issue #75309
 * @param drainOnCloseTimeout how long such a drain may take. Default 100ms
 * @param leakDetection what happens to responses dropped unread and unclosed. Default
 * {@link LeakDetection#SIMPLE}
 * @param proxy the proxy for every request: {@code http://user:pass@proxy:3128}, an
 * {@code https://} proxy (TLS with the proxy, its certificate checked with the
 * transport's trust settings), or {@code socks5://[user:pass@]proxy:1080}
 * ({@code socks5h://} alike; the proxy resolves the host). {@code null} for none. Go:
 * {@code Proxy}
 * @param proxyFromEnvironment take the proxy from {@code HTTP_PROXY}, {@code HTTPS_PROXY}
 * and {@code NO_PROXY} (or their lower-case forms) when {@code proxy} is not set. Default
 * false
 * @param hosts per-destination overrides, keyed by {@code host:port}
 * @param nonProxyHosts destinations reached directly rather than through the proxy, in
 * {@code NO_PROXY} syntax: comma-separated host names (a leading dot or {@code *.} for
 * subdomains), IP addresses, CIDR ranges, each with an optional {@code :port}, or
 * {@code *} for all. Applies to {@code proxy}; with {@code proxyFromEnvironment} it
 * replaces the {@code NO_PROXY} variable. {@code null} for none (the environment's
 * {@code NO_PROXY} then applies to its proxies)
 * @param poolWaitTimeout how long a request may wait for a connection when its
 * destination is at {@code maxConnsPerHost}, before it fails with a
 * {@link TransportTimeoutException} of limit
 * {@link TransportTimeoutException.Limit#POOL_WAIT}. Zero fails at once (fail-fast);
 * {@code null} waits as long as the request's own timeout allows. Default {@code null}.
 * Apache HttpClient: connection request timeout
 * @param maxPendingPerHost how many requests may wait at once for a connection to a
 * destination at {@code maxConnsPerHost}; the next one fails at once. 0 = no limit.
 * Default 0. Reactor Netty: {@code pendingAcquireMaxCount}
 * @param maxConnLifetimeJitter how much earlier than {@code maxConnLifetime} a connection
 * may expire: each draws its own lifetime from
 * {@code [maxConnLifetime - jitter, maxConnLifetime]}, so connections opened together do
 * not all expire, and reconnect, together. {@code null} = 10% of the lifetime; zero = no
 * jitter. Default {@code null}
 * @param maxRequestsPerConn a connection is closed when released after this many
 * exchanges, as if the server had sent {@code Keep-Alive: max=}. 0 = no limit. Default 0.
 * Jetty: {@code maxUsageCount}
 * @param idleOrder which idle connection a request takes. Default {@link IdleOrder#LIFO},
 * as Go
 * @param keepAliveMargin a connection whose server sent {@code Keep-Alive: timeout=N} is
 * not reused after idling {@code N} minus this long, since reusing it right up to
 * {@code N} races the server's close; where {@code N} is no more than the margin it is
 * not reused after idling at all. Default 1s. undici: {@code keepAliveTimeoutThreshold}
 */
public record TransportSettings(int maxIdleConns, int maxIdleConnsPerHost, int maxConnsPerHost,
		Duration idleConnTimeout, boolean disableKeepAlives, boolean disableCompression, Duration dialTimeout,
		Duration dialFallbackDelay, Duration tcpKeepAlive, Duration tlsHandshakeTimeout, Duration responseHeaderTimeout,
		Duration expectContinueTimeout, Duration readTimeout, long maxResponseHeaderBytes, int writeBufferSize,
		int readBufferSize, Duration maxConnLifetime, boolean honorKeepAliveHeader, long drainOnCloseMaxBytes,
		Duration drainOnCloseTimeout, LeakDetection leakDetection, @Nullable URI proxy, boolean proxyFromEnvironment,
		Map<String, HostSettings> hosts, @Nullable String nonProxyHosts, @Nullable Duration poolWaitTimeout,
		int maxPendingPerHost, @Nullable Duration maxConnLifetimeJitter, int maxRequestsPerConn, IdleOrder idleOrder,
		Duration keepAliveMargin) {

	/** The defaults, as listed above. */
	public static final TransportSettings DEFAULTS = new TransportSettings(100, 100, 0, Duration.ofSeconds(90), false,
			false, Duration.ofSeconds(30), Duration.ofMillis(300), Duration.ofSeconds(30), Duration.ofSeconds(10),
			Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO, 10L * 1024 * 1024, 8192, 8192, Duration.ZERO, true,
			64 * 1024, Duration.ofMillis(100), LeakDetection.SIMPLE, null, false, Map.of(), null, null, 0, null, 0,
			IdleOrder.LIFO, Duration.ofSeconds(1));

	public TransportSettings {
		if (maxIdleConns < 0) {
			throw new IllegalArgumentException("max-idle-conns must be 0 (no cap) or more, was " + maxIdleConns);
		}
		if (maxConnsPerHost < 0) {
			throw new IllegalArgumentException(
					"max-conns-per-host must be 0 (no limit) or more, was " + maxConnsPerHost);
		}
		checkNotNegative(idleConnTimeout, "idle-conn-timeout");
		checkNotNegative(dialTimeout, "dial-timeout");
		if (dialFallbackDelay == null) {
			throw new IllegalArgumentException("dial-fallback-delay must be set (negative disables the fallback)");
		}
		checkNotNegative(tcpKeepAlive, "tcp-keep-alive");
		checkNotNegative(tlsHandshakeTimeout, "tls-handshake-timeout");
		checkNotNegative(responseHeaderTimeout, "response-header-timeout");
		checkNotNegative(expectContinueTimeout, "expect-continue-timeout");
		checkNotNegative(readTimeout, "read-timeout");
		checkNotNegative(maxConnLifetime, "max-conn-lifetime");
		checkNotNegative(drainOnCloseTimeout, "drain-on-close.timeout");
		if (maxResponseHeaderBytes < 64) {
			throw new IllegalArgumentException(
					"max-response-header-bytes must be at least 64, was " + maxResponseHeaderBytes);
		}
		if (writeBufferSize < 256 || writeBufferSize > 16 * 1024 * 1024) {
			throw new IllegalArgumentException(
					"write-buffer-size must be between 256 bytes and 16 MiB, was " + writeBufferSize);
		}
		if (readBufferSize < 256 || readBufferSize > 16 * 1024 * 1024) {
			throw new IllegalArgumentException(
					"read-buffer-size must be between 256 bytes and 16 MiB, was " + readBufferSize);
		}
		if (drainOnCloseMaxBytes < 0) {
			throw new IllegalArgumentException(
					"drain-on-close.max-bytes must be 0 (off) or more, was " + drainOnCloseMaxBytes);
		}
		checkNotNegative(poolWaitTimeout, "pool-wait-timeout");
		checkLimit(maxPendingPerHost, "max-pending-per-host");
		checkJitter(maxConnLifetime, maxConnLifetimeJitter, "max-conn-lifetime");
		checkLimit(maxRequestsPerConn, "max-requests-per-conn");
		if (idleOrder == null) {
			throw new IllegalArgumentException("idle-order must be one of lifo, fifo");
		}
		if (keepAliveMargin == null) {
			throw new IllegalArgumentException("keep-alive-margin must be set (zero for none)");
		}
		checkNotNegative(keepAliveMargin, "keep-alive-margin");
		if (leakDetection == null) {
			throw new IllegalArgumentException("leak-detection must be one of disabled, simple, paranoid");
		}
		if (proxy != null) {
			String scheme = (proxy.getScheme() != null) ? proxy.getScheme().toLowerCase(java.util.Locale.ROOT) : "";
			if (!List.of("http", "https", "socks5", "socks5h").contains(scheme) || proxy.getHost() == null) {
				throw new IllegalArgumentException("proxy.url must be http://, https:// or socks5://"
						+ "[user:password@]host[:port], was " + redacted(proxy));
			}
		}
		// Destinations compare hosts in lower case; so do the keys, or a key in another
		// case would never apply.
		Map<String, HostSettings> lowerCased = new java.util.HashMap<>();
		for (Map.Entry<String, HostSettings> entry : hosts.entrySet()) {
			String key = entry.getKey().toLowerCase(java.util.Locale.ROOT);
			if (lowerCased.put(key, entry.getValue()) != null) {
				throw new IllegalArgumentException(
						"hosts." + entry.getKey() + ": another key names the same host:port in another case");
			}
		}
		hosts = Map.copyOf(lowerCased);
		if (nonProxyHosts != null && nonProxyHosts.isBlank()) {
			nonProxyHosts = null;
		}
		int warm = 0;
		for (Map.Entry<String, HostSettings> entry : hosts.entrySet()) {
			String key = entry.getKey();
			int colon = key.lastIndexOf(':');
			boolean validPort = colon > 0 && colon < key.length() - 1
					&& key.substring(colon + 1).chars().allMatch(Character::isDigit);
			if (!validPort) {
				throw new IllegalArgumentException(
						"hosts." + key + ": the key must be host:port, such as api.example.com:443");
			}
			HostSettings host = entry.getValue();
			Duration lifetime = (host.maxConnLifetime() != null) ? host.maxConnLifetime() : maxConnLifetime;
			Duration jitter = (host.maxConnLifetimeJitter() != null) ? host.maxConnLifetimeJitter()
					: maxConnLifetimeJitter;
			checkJitter(lifetime, jitter, "hosts.[" + key + "].max-conn-lifetime");
			if (host.minIdleConns() > 0) {
				checkWarm(key, host, maxConnsPerHost, maxIdleConnsPerHost, disableKeepAlives);
				warm += host.minIdleConns();
			}
		}
		if (maxIdleConns > 0 && warm > maxIdleConns) {
			throw new IllegalArgumentException("hosts.*.min-idle-conns add up to " + warm
					+ ", more than max-idle-conns (" + maxIdleConns + ") lets the pool keep idle");
		}
	}

	/** {@code uri} without the password in its user info, for messages. */
	private static String redacted(URI uri) {
		String userInfo = uri.getRawUserInfo();
		int colon = (userInfo != null) ? userInfo.indexOf(':') : -1;
		return (colon < 0) ? uri.toString()
				: uri.toString().replace(userInfo + "@", userInfo.substring(0, colon) + ":***@");
	}

	static void checkNotNegative(@Nullable Duration duration, String setting) {
		if (duration == null) {
			return;
		}
		if (duration.isNegative()) {
			throw new IllegalArgumentException(setting + " must be zero or positive, was " + duration);
		}
	}

	private static void checkWarm(String key, HostSettings host, int maxConnsPerHost, int maxIdleConnsPerHost,
			boolean disableKeepAlives) {
		int min = host.minIdleConns();
		int maxConns = (host.maxConnsPerHost() != null) ? host.maxConnsPerHost() : maxConnsPerHost;
		int maxIdle = (host.maxIdleConnsPerHost() != null) ? host.maxIdleConnsPerHost() : maxIdleConnsPerHost;
		String setting = "hosts.[" + key + "].min-idle-conns (" + min + ")";
		if (disableKeepAlives || maxIdle < 0) {
			throw new IllegalArgumentException(setting + " needs keep-alives: connections are not pooled here");
		}
		if (maxConns > 0 && min > maxConns) {
			throw new IllegalArgumentException(setting + " must not exceed max-conns-per-host (" + maxConns + ")");
		}
		if (min > maxIdle) {
			throw new IllegalArgumentException(setting + " must not exceed max-idle-conns-per-host (" + maxIdle + ")");
		}
	}

	static void checkLimit(@Nullable Integer limit, String setting) {
		if (limit != null && limit < 0) {
			throw new IllegalArgumentException(setting + " must be 0 (no limit) or more, was " + limit);
		}
	}

	static void checkJitter(@Nullable Duration lifetime, @Nullable Duration jitter, String prefix) {
		checkNotNegative(jitter, prefix + "-jitter");
		if (jitter != null && lifetime != null && !lifetime.isZero() && jitter.compareTo(lifetime) > 0) {
			throw new IllegalArgumentException(
					prefix + "-jitter (" + jitter + ") must not exceed " + prefix + " (" + lifetime + ")");
		}
	}

	/** The overrides for {@code host:port}, or {@link HostSettings#INHERIT}. */
	public HostSettings host(String authority) {
		HostSettings settings = this.hosts.get(authority);
		return (settings != null) ? settings : HostSettings.INHERIT;
	}

}
