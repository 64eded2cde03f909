package dev.roundtrip.transport.internal;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

import dev.roundtrip.transport.AddressFilter;
import dev.roundtrip.transport.Call;
import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.DestinationHistory;
import dev.roundtrip.transport.HostSettings;
import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.TransportListener;
import dev.roundtrip.transport.TransportSettings;
import dev.roundtrip.transport.internal.conn.Dialer;
import dev.roundtrip.transport.internal.pool.ConnectionPool;

/**
 * What a {@link dev.roundtrip.transport.Transport} is made of: its settings, its pool,
 * its dialer and the threads that dial and watch deadlines.
 */
public final class Engine {

	private final TransportSettings settings;

	/**
	 * The destination of the latest call, reused when the next goes to the same place.
	 */
	private volatile Destination lastDestination;

	private final SSLContext sslContext;

	private final ProxyConfig proxies;

	/** The {@code host:port} of each host reached over a unix socket. */
	private final Set<String> unixSocketHosts;

	private final ConnectionPool pool;

	private final ExecutorService dialExecutor;

	private final Watchdog watchdog = new Watchdog();

	private final LeakDetector leakDetector = new LeakDetector();

	/**
	 * The application's listener behind the transport's log and history; never throws.
	 */
	private final TransportListener listener;

	private final History history;

	public Engine(TransportSettings settings, SSLContext sslContext, HostnameVerifier hostnameVerifier,
			TransportListener listener, LongSupplier nanoClock) {
		this(settings, sslContext, hostnameVerifier, listener, nanoClock, System::getenv);
	}

	/**
	 * An engine that reads {@code HTTP_PROXY}, {@code HTTPS_PROXY} and {@code NO_PROXY}
	 * through {@code environment} (once, now) when {@code proxy.from-environment} is on;
	 * tests pass a map's {@code get}.
	 */
	public Engine(TransportSettings settings, SSLContext sslContext, HostnameVerifier hostnameVerifier,
			TransportListener listener, LongSupplier nanoClock, Function<String, String> environment) {
		this(settings, sslContext, hostnameVerifier, listener, nanoClock, environment, null);
	}

	/**
	 * An engine whose dialer connects only to the addresses {@code addressFilter}
	 * permits.
	 */
	public Engine(TransportSettings settings, SSLContext sslContext, HostnameVerifier hostnameVerifier,
			TransportListener listener, LongSupplier nanoClock, Function<String, String> environment,
			AddressFilter addressFilter) {
		this.settings = settings;
		this.sslContext = sslContext;
		this.proxies = ProxyConfig.of(settings, environment);
		this.unixSocketHosts = settings.hosts()
			.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().unixSocket() != null)
			.map(Map.Entry::getKey)
			.collect(Collectors.toUnmodifiableSet());
		this.dialExecutor = dialExecutor();
		Dialer dialer = new Dialer(settings, hostnameVerifier, nanoClock, this.proxies, addressFilter, this.watchdog,
				this.dialExecutor, sslContext);
		this.history = new History(new SafeListener(listener), System::currentTimeMillis);
		this.listener = new SafeListener(TransportLog.around(this.history));
		this.pool = new ConnectionPool(this::limits, settings.maxIdleConns(), settings.disableKeepAlives(),
				settings.keepAliveMargin(), millis(settings.dialTimeout()), dialer, this.dialExecutor, this.listener,
				nanoClock);
		warmUp();
	}

	/**
	 * Opens the warm connections ({@code min-idle-conns}) of hosts on port 443 or 80,
	 * whose scheme the port tells; those of other ports open at their first request.
	 */
	private void warmUp() {
		for (var entry : this.settings.hosts().entrySet()) {
			if (entry.getValue().minIdleConns() == 0) {
				continue;
			}
			String authority = entry.getKey();
			int colon = authority.lastIndexOf(':');
			int port = Integer.parseInt(authority.substring(colon + 1));
			String scheme = (port == 443) ? "https" : (port == 80) ? "http" : null;
			if (scheme == null) {
				continue;
			}
			String host = authority.substring(0, colon);
			if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
				host = "[" + host + "]";
			}
			try {
				this.pool.warm(destinationFor(URI.create(scheme + "://" + host + ":" + port + "/"), null));
			}
			catch (IOException | IllegalArgumentException ex) {
				// The proxy that applies cannot be used, or the key is no URI host: the
				// first request says so, and warms the destination if it can.
			}
		}
	}

	/**
	 * Dials run on their own threads so that a request waiting for its dial can take a
	 * connection another request returns meanwhile (Go's late binding): on a virtual
	 * thread for a virtual thread's request, else on a cached daemon thread (see
	 * {@link DialThreads} for why). Only dials use these: a request on a pooled
	 * connection runs on the caller's thread alone.
	 */
	private static ExecutorService dialExecutor() {
		return DialThreads.create();
	}

	public Call newCall(Request request) {
		return new RealCall(this, request);
	}

	public ConnectionPool pool() {
		return this.pool;
	}

	public TransportSettings settings() {
		return this.settings;
	}

	TransportListener listener() {
		return this.listener;
	}

	/** What is remembered of each destination, emptied ones included. */
	public List<DestinationHistory> history() {
		return this.history.snapshot();
	}

	LeakDetector leakDetector() {
		return this.leakDetector;
	}

	Watchdog watchdog() {
		return this.watchdog;
	}

	/** The proxies requests go through. */
	public ProxyConfig proxies() {
		return this.proxies;
	}

	public void close() {
		this.pool.shutdown();
		this.watchdog.stop();
		this.dialExecutor.shutdown();
		this.leakDetector.close();
	}

	/**
	 * The pool key of {@code request}: its scheme, host and port, the proxy it goes
	 * through (see {@link ProxyConfig}) and, for https, its TLS configuration.
	 * @throws IOException if the proxy that applies cannot be used
	 */
	Destination destinationFor(Request request) throws IOException {
		return destinationFor(request.uri(), request.sslContext());
	}

	private Destination destinationFor(URI uri, @Nullable SSLContext requestContext) throws IOException {
		String scheme = uri.getScheme();
		boolean tls = scheme.equals("https");
		int port = (uri.getPort() != -1) ? uri.getPort() : (tls ? 443 : 80);
		String host = uri.getHost();
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		host = host.toLowerCase(Locale.ROOT);
		SSLContext context = null;
		if (tls) {
			context = (requestContext != null) ? requestContext : this.sslContext;
		}
		String proxy = null;
		if (!this.proxies.isEmpty() && (this.unixSocketHosts.isEmpty()
				|| !this.unixSocketHosts.contains(((host.indexOf(':') >= 0) ? "[" + host + "]" : host) + ":" + port))) {
			// A host reached over a unix socket never goes through a proxy.
			ProxyConfig.Proxy selected = this.proxies.forTarget(scheme, host, port);
			proxy = (selected != null) ? selected.authority() : null;
		}
		Destination last = this.lastDestination;
		if (last != null && last.port() == port && last.sslContext() == context && last.host().equals(host)
				&& last.scheme().equals(scheme) && Objects.equals(last.proxy(), proxy)) {
			// Most calls go where the last one went: reuse its key rather than allocate
			// one per request.
			return last;
		}
		Destination destination = new Destination(scheme, host, port, proxy, context);
		this.lastDestination = destination;
		return destination;
	}

	private ConnectionPool.Limits limits(Destination destination) {
		TransportSettings s = this.settings;
		HostSettings host = s.host(destination.authority());
		Duration lifetime = (host.maxConnLifetime() != null) ? host.maxConnLifetime() : s.maxConnLifetime();
		Duration jitter = (host.maxConnLifetimeJitter() != null) ? host.maxConnLifetimeJitter()
				: s.maxConnLifetimeJitter();
		return new ConnectionPool.Limits(
				(host.maxConnsPerHost() != null) ? host.maxConnsPerHost() : s.maxConnsPerHost(),
				(host.maxIdleConnsPerHost() != null) ? host.maxIdleConnsPerHost() : s.maxIdleConnsPerHost(),
				(host.idleConnTimeout() != null) ? host.idleConnTimeout() : s.idleConnTimeout(), lifetime,
				(jitter != null) ? jitter : lifetime.dividedBy(10),
				(host.poolWaitTimeout() != null) ? host.poolWaitTimeout() : s.poolWaitTimeout(),
				(host.maxPendingPerHost() != null) ? host.maxPendingPerHost() : s.maxPendingPerHost(),
				(host.maxRequestsPerConn() != null) ? host.maxRequestsPerConn() : s.maxRequestsPerConn(),
				(host.idleOrder() != null) ? host.idleOrder() : s.idleOrder(), host.minIdleConns());
	}

	int connectTimeoutMillis(Request request) {
		return millis((request.connectTimeout() != null) ? request.connectTimeout() : this.settings.dialTimeout());
	}

	int readTimeoutMillis(Request request) {
		return millis((request.readTimeout() != null) ? request.readTimeout() : this.settings.readTimeout());
	}

	long responseHeaderTimeoutMillis(Destination destination) {
		if (this.settings.hosts().isEmpty()) {
			return this.settings.responseHeaderTimeout().toMillis();
		}
		Duration timeout = this.settings.host(destination.authority()).responseHeaderTimeout();
		return ((timeout != null) ? timeout : this.settings.responseHeaderTimeout()).toMillis();
	}

	private static int millis(Duration duration) {
		if (duration == null || duration.isZero()) {
			return 0;
		}
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE, duration.toMillis()));
	}

}
