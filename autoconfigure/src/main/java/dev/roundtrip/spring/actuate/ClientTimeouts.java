package dev.roundtrip.spring.actuate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import dev.roundtrip.transport.TransportSettings;

/**
 * The connect and read timeouts Spring Boot's clients actually send with: Boot's
 * {@code spring.http.clients.connect-timeout} and {@code read-timeout}, or an HTTP
 * service group's own {@code spring.http.serviceclient.<group>.*}, are applied per
 * request and win over the transport's {@code dial-timeout} and {@code read-timeout}.
 * Read from the environment each time, so what is shown is what a client built now would
 * get.
 */
public final class ClientTimeouts {

	private static final String CLIENTS = "spring.http.clients";

	private static final String SERVICE_CLIENT = "spring.http.serviceclient";

	private final Environment environment;

	public ClientTimeouts(Environment environment) {
		this.environment = environment;
	}

	/**
	 * For Boot's clients ({@code spring.http.clients}) and each configured service-client
	 * group ({@code spring.http.serviceclient.<group>}): the dial and read timeouts in
	 * force over a transport with {@code settings}, and the property each comes from.
	 */
	Map<String, Map<String, LimitDescriptor>> describe(TransportSettings settings) {
		Binder binder = Binder.get(this.environment);
		Duration connect = duration(binder, CLIENTS + ".connect-timeout");
		Duration read = duration(binder, CLIENTS + ".read-timeout");
		Map<String, Map<String, LimitDescriptor>> clients = new LinkedHashMap<>();
		LimitDescriptor dial = limit(connect, CLIENTS + ".connect-timeout", settings.dialTimeout(), "dial-timeout");
		LimitDescriptor readLimit = limit(read, CLIENTS + ".read-timeout", settings.readTimeout(), "read-timeout");
		clients.put(CLIENTS, limits(dial, readLimit));
		Map<String, Map<String, Object>> groups = binder
			.bind(SERVICE_CLIENT, Bindable.mapOf(String.class, Object.class))
			.map(this::castGroups)
			.orElse(Map.of());
		for (String group : groups.keySet()) {
			String prefix = SERVICE_CLIENT + "." + group;
			Duration groupConnect = duration(binder, prefix + ".connect-timeout");
			Duration groupRead = duration(binder, prefix + ".read-timeout");
			clients.put(prefix,
					limits((groupConnect != null) ? limit(groupConnect, prefix + ".connect-timeout", null, null) : dial,
							(groupRead != null) ? limit(groupRead, prefix + ".read-timeout", null, null) : readLimit));
		}
		return clients;
	}

	@SuppressWarnings("unchecked")
	private Map<String, Map<String, Object>> castGroups(Map<String, Object> groups) {
		Map<String, Map<String, Object>> result = new LinkedHashMap<>();
		groups.forEach((name, value) -> {
			if (value instanceof Map<?, ?> map) {
				result.put(name, (Map<String, Object>) map);
			}
		});
		return result;
	}

	private static Map<String, LimitDescriptor> limits(LimitDescriptor dial, LimitDescriptor read) {
		Map<String, LimitDescriptor> limits = new LinkedHashMap<>();
		limits.put("dial-timeout", dial);
		limits.put("read-timeout", read);
		return limits;
	}

	private static LimitDescriptor limit(@Nullable Duration client, String clientProperty, @Nullable Duration transport,
			@Nullable String transportSetting) {
		if (client != null || transport == null) {
			return new LimitDescriptor(String.valueOf(client), clientProperty, true);
		}
		return new LimitDescriptor(transport.toString(), "roundtrip.transport." + transportSetting, false);
	}

	private static @Nullable Duration duration(Binder binder, String property) {
		return binder.bind(property, Duration.class).orElse(null);
	}

	/**
	 * One limit in force.
	 *
	 * @param value ISO-8601; {@code PT0S} means none
	 * @param property where it comes from
	 * @param overridesTransport whether it replaces the transport's own setting
	 */
	public record LimitDescriptor(String value, String property, boolean overridesTransport) {
	}

}
