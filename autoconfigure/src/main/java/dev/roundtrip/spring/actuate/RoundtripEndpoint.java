package dev.roundtrip.spring.actuate;

import java.lang.reflect.RecordComponent;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import dev.roundtrip.spring.actuate.ClientTimeouts.LimitDescriptor;
import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.DestinationHistory;
import dev.roundtrip.transport.HostSettings;
import dev.roundtrip.transport.PoolStats;
import dev.roundtrip.transport.PoolStats.ConnectionStats;
import dev.roundtrip.transport.PoolStats.DestinationStats;
import dev.roundtrip.transport.Transport;
import dev.roundtrip.transport.TransportSettings;

/**
 * The {@code roundtrip} endpoint: for each {@link Transport} bean, by bean name, its
 * effective settings and its pool, per destination: the limits, the idle, active, dialing
 * and waiting counts, and each connection.
 *
 * <ul>
 * <li>{@code GET /actuator/roundtrip}: everything;
 * <li>{@code GET /actuator/roundtrip/{destination}}: the destinations whose
 * {@code host:port} is {@code destination} ({@code 127.0.0.1:8080},
 * {@code api.example.com:443}; an IPv6 host with or without brackets), or every port of a
 * bare {@code host}; 404 when none is in a pool or remembered (see
 * {@link Transport#history()});
 * <li>{@code DELETE /actuator/roundtrip}: closes every idle connection, like Go's
 * {@code CloseIdleConnections}; connections in use are left to finish;
 * <li>{@code DELETE /actuator/roundtrip/{destination}}: the same for the destinations the
 * selector matches.
 * </ul>
 *
 * <p>
 * The selector is the {@code authority} field of each destination in the answer, which a
 * URL path carries as it is. Settings are keyed by their property names under
 * {@code roundtrip.transport.}; durations are ISO-8601 ({@code PT1M30S}); a proxy's
 * password is masked.
 */
@Endpoint(id = "roundtrip")
public class RoundtripEndpoint {

	private final Map<String, Transport> transports;

	private final @Nullable Transport clientsTransport;

	private final @Nullable ClientTimeouts clientTimeouts;

	/** An endpoint over {@code transports}, keyed by the names to show them under. */
	public RoundtripEndpoint(Map<String, Transport> transports) {
		this(transports, null, null);
	}

	/**
	 * An endpoint over {@code transports} that also shows, for {@code clientsTransport}
	 * (the one Spring Boot's auto-configured clients send through), the timeouts those
	 * clients apply over its own.
	 */
	public RoundtripEndpoint(Map<String, Transport> transports, @Nullable Transport clientsTransport,
			@Nullable ClientTimeouts clientTimeouts) {
		this.transports = new LinkedHashMap<>(transports);
		this.clientsTransport = clientsTransport;
		this.clientTimeouts = clientTimeouts;
	}

	/** Every transport: settings, pool totals, destinations and connections. */
	@ReadOperation
	public TransportsDescriptor transports() {
		return describe((destination) -> true);
	}

	/**
	 * The destinations {@code destination} matches, in every transport; {@code null}
	 * (404) if none.
	 */
	@ReadOperation
	public @Nullable TransportsDescriptor destination(@Selector String destination) {
		TransportsDescriptor descriptor = describe(matcher(destination));
		boolean found = descriptor.transports()
			.values()
			.stream()
			.anyMatch((transport) -> !transport.destinations().isEmpty());
		return found ? descriptor : null;
	}

	/** Closes every idle connection of every transport. */
	@DeleteOperation
	public void closeIdleConnections() {
		this.transports.values().forEach(Transport::closeIdleConnections);
	}

	/**
	 * Closes the idle connections of the destinations {@code destination} matches; 404,
	 * as a read would answer, when none is in a pool.
	 */
	@DeleteOperation
	public WebEndpointResponse<Void> closeIdleConnectionsTo(@Selector String destination) {
		Predicate<Destination> matcher = matcher(destination);
		boolean found = false;
		for (Transport transport : this.transports.values()) {
			found |= transport.stats().destinations().stream().anyMatch((stats) -> matcher.test(stats.destination()))
					|| transport.history()
						.stream()
						.anyMatch((history) -> history.forgetAt() != null && matcher.test(history.destination()));
			transport.closeIdleConnections(matcher);
		}
		return new WebEndpointResponse<>(
				found ? WebEndpointResponse.STATUS_NO_CONTENT : WebEndpointResponse.STATUS_NOT_FOUND);
	}

	private TransportsDescriptor describe(Predicate<Destination> filter) {
		Map<String, TransportDescriptor> descriptors = new LinkedHashMap<>();
		this.transports.forEach((name, transport) -> descriptors.put(name,
				describe(transport, filter, (transport == this.clientsTransport && this.clientTimeouts != null)
						? this.clientTimeouts.describe(transport.settings()) : null)));
		return new TransportsDescriptor(descriptors);
	}

	private static TransportDescriptor describe(Transport transport, Predicate<Destination> filter,
			@Nullable Map<String, Map<String, LimitDescriptor>> clients) {
		PoolStats stats = transport.stats();
		Map<Destination, DestinationHistory> histories = new LinkedHashMap<>();
		for (DestinationHistory history : transport.history()) {
			histories.put(history.destination(), history);
		}
		List<DestinationDescriptor> destinations = new ArrayList<>();
		int idle = 0;
		int active = 0;
		int dialing = 0;
		int waiting = 0;
		for (DestinationStats destination : stats.destinations()) {
			if (filter.test(destination.destination())) {
				destinations.add(DestinationDescriptor.of(destination, histories.get(destination.destination())));
				idle += destination.idle();
				active += destination.active();
				dialing += destination.dialing();
				waiting += destination.waiting();
			}
			histories.remove(destination.destination());
		}
		// Destinations the pool has no connection to any more, still remembered.
		for (DestinationHistory history : histories.values()) {
			if (filter.test(history.destination()) && history.forgetAt() != null) {
				destinations.add(DestinationDescriptor.empty(history, transport.settings()));
			}
		}
		return new TransportDescriptor(settings(transport.settings()), clients, idle, active, dialing, waiting,
				destinations);
	}

	/**
	 * {@code host:port}, {@code [v6]:port}, {@code v6:port}, or a bare host (every port);
	 * hosts compare without case.
	 */
	static Predicate<Destination> matcher(String selector) {
		String value = selector.trim();
		int colon = value.lastIndexOf(':');
		boolean hasPort = colon > 0 && colon < value.length() - 1
				&& value.substring(colon + 1).chars().allMatch(Character::isDigit)
				&& (!value.startsWith("[") || value.charAt(colon - 1) == ']');
		String host = hasPort ? value.substring(0, colon) : value;
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		String wanted = host.toLowerCase(Locale.ROOT);
		if (!hasPort) {
			return (destination) -> destination.host().equals(wanted);
		}
		int port = Integer.parseInt(value.substring(colon + 1));
		return (destination) -> destination.port() == port && destination.host().equals(wanted);
	}

	/**
	 * The settings as {@code roundtrip.transport.*} names to values, read off the record
	 * so that a new setting shows without a change here.
	 */
	static Map<String, @Nullable Object> settings(TransportSettings settings) {
		Map<String, @Nullable Object> values = new LinkedHashMap<>();
		for (RecordComponent component : TransportSettings.class.getRecordComponents()) {
			Object value = read(component, settings);
			if ("hosts".equals(component.getName())) {
				Map<String, Map<String, @Nullable Object>> hosts = new LinkedHashMap<>();
				settings.hosts().forEach((authority, host) -> {
					Map<String, @Nullable Object> overrides = new LinkedHashMap<>();
					for (RecordComponent hostComponent : host.getClass().getRecordComponents()) {
						Object override = read(hostComponent, host);
						// What differs from a host without overrides: null, or 0 warm
						// connections, is not set.
						if (override != null && !override.equals(read(hostComponent, HostSettings.INHERIT))) {
							overrides.put(propertyName(hostComponent.getName()), displayed(override));
						}
					}
					hosts.put(authority, overrides);
				});
				value = hosts;
			}
			values.put(propertyName(component.getName()), (value != null) ? displayed(value) : null);
		}
		return values;
	}

	private static @Nullable Object read(RecordComponent component, Object record) {
		try {
			return component.getAccessor().invoke(record);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Cannot read " + component.getName(), ex);
		}
	}

	private static String propertyName(String component) {
		return switch (component) {
			case "drainOnCloseMaxBytes" -> "drain-on-close.max-bytes";
			case "drainOnCloseTimeout" -> "drain-on-close.timeout";
			case "proxy" -> "proxy.url";
			case "proxyFromEnvironment" -> "proxy.from-environment";
			case "nonProxyHosts" -> "proxy.non-proxy-hosts";
			default -> component.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
		};
	}

	private static Object displayed(Object value) {
		if (value instanceof Duration duration) {
			return duration.toString();
		}
		if (value instanceof URI uri) {
			return withoutPassword(uri);
		}
		if (value instanceof Path path) {
			return path.toString();
		}
		if (value instanceof Enum<?> constant) {
			return constant.name().toLowerCase(Locale.ROOT);
		}
		return value;
	}

	static String withoutPassword(URI uri) {
		if (uri.getUserInfo() == null) {
			return uri.toString();
		}
		String user = uri.getUserInfo();
		int colon = user.indexOf(':');
		String masked = (colon >= 0) ? user.substring(0, colon) + ":******" : user;
		try {
			return new URI(uri.getScheme(), masked, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
		}
		catch (URISyntaxException ex) {
			return uri.getScheme() + "://******@" + uri.getHost() + ":" + uri.getPort();
		}
	}

	private static String address(@Nullable InetSocketAddress address) {
		if (address == null) {
			return "";
		}
		String host = address.getHostString();
		return ((host.indexOf(':') >= 0) ? "[" + host + "]" : host) + ":" + address.getPort();
	}

	private static String ipAddress(@Nullable InetSocketAddress address) {
		if (address == null) {
			return "";
		}
		String host = (address.getAddress() != null) ? address.getAddress().getHostAddress() : address.getHostString();
		return ((host.indexOf(':') >= 0) ? "[" + host + "]" : host) + ":" + address.getPort();
	}

	/** Every transport, by bean name. */
	public record TransportsDescriptor(Map<String, TransportDescriptor> transports) implements OperationResponseBody {
	}

	/**
	 * One transport.
	 *
	 * @param settings by property name below {@code roundtrip.transport.}
	 * @param clients for the transport under Spring Boot's auto-configured clients: per
	 * client factory ({@code spring.http.clients}) and service-client group
	 * ({@code spring.http.serviceclient.<group>}), the {@code dial-timeout} and
	 * {@code read-timeout} their requests really use and the property each comes from;
	 * {@code null} for other transports, whose requests use {@code settings}
	 */
	public record TransportDescriptor(Map<String, @Nullable Object> settings,
			@Nullable Map<String, Map<String, LimitDescriptor>> clients, int idle, int active, int dialing, int waiting,
			List<DestinationDescriptor> destinations) {
	}

	/**
	 * One destination's part of a pool.
	 *
	 * @param authority {@code host:port}: the selector for this destination
	 * @param proxy {@code host:port} of the proxy, after {@code https://} or
	 * {@code socks5://} for those; {@code null} when direct
	 * @param maxConnsPerHost the limit in force, 0 for none
	 * @param maxIdleConnsPerHost the idle cap in force; negative: no pooling
	 * @param minIdleConns warm connections kept open ({@code min-idle-conns}); 0 for none
	 * @param history what the transport remembers of its connections; {@code null} if
	 * nothing yet
	 */
	public record DestinationDescriptor(String authority, String scheme, String host, int port, @Nullable String proxy,
			int maxConnsPerHost, int maxIdleConnsPerHost, int minIdleConns, int idle, int active, int dialing,
			int waiting, List<ConnectionDescriptor> connections, @Nullable HistoryDescriptor history) {

		static DestinationDescriptor of(DestinationStats stats, @Nullable DestinationHistory history) {
			Destination destination = stats.destination();
			return new DestinationDescriptor(destination.authority(), destination.scheme(), destination.host(),
					destination.port(), destination.proxy(), stats.maxConnsPerHost(), stats.maxIdleConnsPerHost(),
					stats.minIdleConns(), stats.idle(), stats.active(), stats.dialing(), stats.waiting(),
					stats.connections().stream().map(ConnectionDescriptor::of).toList(), HistoryDescriptor.of(history));
		}

		/** A destination whose last connection has closed. */
		static DestinationDescriptor empty(DestinationHistory history, TransportSettings settings) {
			Destination destination = history.destination();
			HostSettings host = settings.host(destination.authority());
			return new DestinationDescriptor(destination.authority(), destination.scheme(), destination.host(),
					destination.port(), destination.proxy(),
					(host.maxConnsPerHost() != null) ? host.maxConnsPerHost() : settings.maxConnsPerHost(),
					(host.maxIdleConnsPerHost() != null) ? host.maxIdleConnsPerHost() : settings.maxIdleConnsPerHost(),
					host.minIdleConns(), 0, 0, 0, 0, List.of(), HistoryDescriptor.of(history));
		}

	}

	/**
	 * What the transport remembers of a destination's connections.
	 *
	 * @param opened connections dialed
	 * @param closed connections closed, by reason (the metrics' {@code reason} tag)
	 * @param requests exchanges carried by the connections that have closed
	 * @param emptySince when its last connection closed, ISO-8601; {@code null} while one
	 * is open
	 * @param forgetAt when the transport forgets it if no connection opens meanwhile;
	 * {@code null} while one is open
	 */
	public record HistoryDescriptor(long opened, Map<String, Long> closed, long requests, @Nullable String emptySince,
			@Nullable String forgetAt) {

		static @Nullable HistoryDescriptor of(@Nullable DestinationHistory history) {
			if (history == null) {
				return null;
			}
			Map<String, Long> closed = new LinkedHashMap<>();
			history.closedByReason().forEach((reason, count) -> closed.put(reason.tagValue(), count));
			return new HistoryDescriptor(history.opened(), closed, history.requests(),
					(history.emptySince() != null) ? history.emptySince().toString() : null,
					(history.forgetAt() != null) ? history.forgetAt().toString() : null);
		}

	}

	/**
	 * One open connection.
	 *
	 * @param state {@code idle} or {@code active}
	 * @param remoteAddress the server as dialed: its host name (or literal) and port
	 * @param remoteIpAddress the IP address and port the connection is made to
	 * @param age since it was established, ISO-8601
	 * @param idleTime since it went idle, ISO-8601; {@code PT0S} when active
	 * @param requests exchanges it has carried
	 * @param tlsProtocol {@code null} for plain HTTP
	 * @param cipherSuite {@code null} for plain HTTP
	 */
	public record ConnectionDescriptor(long id, String state, String localAddress, String remoteAddress,
			String remoteIpAddress, String age, String idleTime, long requests, @Nullable String tlsProtocol,
			@Nullable String cipherSuite) {

		static ConnectionDescriptor of(ConnectionStats stats) {
			return new ConnectionDescriptor(stats.id(), stats.state(), address(stats.localAddress()),
					address(stats.remoteAddress()), ipAddress(stats.remoteAddress()), Objects.toString(stats.age()),
					Objects.toString(stats.idleTime()), stats.requests(), stats.tlsProtocol(), stats.cipherSuite());
		}

	}

}
