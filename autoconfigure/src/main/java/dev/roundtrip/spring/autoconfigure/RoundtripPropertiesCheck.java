package dev.roundtrip.spring.autoconfigure;

import java.beans.PropertyDescriptor;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.util.unit.DataSize;

import dev.roundtrip.spring.autoconfigure.InvalidRoundtripPropertiesException.Problem;

/**
 * Fails startup on {@code roundtrip.transport.*} keys that would otherwise be silently
 * ignored: a key no property has (with the nearest valid name), a per-host key written
 * without brackets, two per-host keys that differ only in case, and an out-of-range
 * {@code metrics.*} value. Runs once, when the first Roundtrip properties bean is about
 * to be bound, so before anything is built from them.
 *
 * <p>
 * The valid names are read off {@link RoundtripTransportProperties} and
 * {@link RoundtripMetricsProperties}, so a new property is known here without a change.
 */
final class RoundtripPropertiesCheck implements BeanPostProcessor, PriorityOrdered, EnvironmentAware {

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName
		.of(RoundtripTransportProperties.PREFIX);

	private static final ConfigurationPropertyName HOSTS = ConfigurationPropertyName.of("hosts");

	private final AtomicBoolean checked = new AtomicBoolean();

	private @Nullable Environment environment;

	@Override
	public int getOrder() {
		// Before ConfigurationPropertiesBindingPostProcessor (HIGHEST_PRECEDENCE + 1):
		// the keys are checked before the values are bound and validated.
		return HIGHEST_PRECEDENCE;
	}

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if ((bean instanceof RoundtripTransportProperties || bean instanceof RoundtripMetricsProperties)
				&& this.environment != null && this.checked.compareAndSet(false, true)) {
			check(this.environment);
		}
		return bean;
	}

	/**
	 * Throws {@link InvalidRoundtripPropertiesException} listing every problem found
	 * under {@code roundtrip.transport} in {@code environment}.
	 */
	static void check(Environment environment) {
		List<Problem> problems = problems(environment);
		if (!problems.isEmpty()) {
			throw new InvalidRoundtripPropertiesException(problems);
		}
	}

	static List<Problem> problems(Environment environment) {
		Known known = Known.INSTANCE;
		List<Problem> problems = new ArrayList<>();
		Set<ConfigurationPropertyName> reported = new LinkedHashSet<>();
		// Host keys as written, by their lower-case form: two spellings of one host.
		Map<String, Map<String, @Nullable String>> hostKeys = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			iterable.stream().filter(PREFIX::isAncestorOf).forEach((name) -> {
				if (!reported.add(name)) {
					return;
				}
				ConfigurationPropertyName relative = name.subName(PREFIX.getNumberOfElements());
				String origin = origin(source.getConfigurationProperty(name));
				if (HOSTS.isAncestorOf(relative)) {
					if (!relative.toString().startsWith("hosts[")) {
						// As written, left to the raw scan below: Boot strips the colon.
						return;
					}
					String key = relative.getElement(1, Form.ORIGINAL);
					hostKeys.computeIfAbsent(key.toLowerCase(Locale.ROOT), (k) -> new LinkedHashMap<>())
						.putIfAbsent(key, origin);
					ConfigurationPropertyName setting = relative.subName(2);
					if (!known.host.contains(setting)) {
						problems.add(unknown(PREFIX + ".hosts.[" + key + "]." + setting, origin, setting, known.host,
								PREFIX + ".hosts.[" + key + "]."));
					}
				}
				else if (!known.transport.contains(relative)) {
					problems.add(unknown(name.toString(), origin, relative, known.transport, PREFIX + "."));
				}
			});
		}
		problems.addAll(unbracketedHostKeys(environment));
		hostKeys.forEach((lowerCase, spellings) -> {
			if (spellings.size() > 1) {
				List<String> described = new ArrayList<>();
				spellings.forEach((key, origin) -> described
					.add("[" + key + "]" + ((origin != null) ? " (" + origin + ")" : "")));
				problems
					.add(new Problem(PREFIX + ".hosts.[" + lowerCase + "]", null, "host keys compare without case, and "
							+ String.join(" and ", described) + " name the same host: keep one"));
			}
		});
		Integer maxDestinations = Binder.get(environment)
			.bind(RoundtripMetricsProperties.PREFIX + ".max-destinations", Bindable.of(Integer.class))
			.orElse(null);
		if (maxDestinations != null && maxDestinations < 0) {
			String property = RoundtripMetricsProperties.PREFIX + ".max-destinations";
			problems.add(new Problem(property, origin(environment, property),
					"must be 0 (every destination counted under server.address=other) or more, was "
							+ maxDestinations));
		}
		return problems;
	}

	/**
	 * Keys such as {@code hosts.api.example.com:443.max-conns-per-host}, looked for in
	 * the raw property sources so they are named as written: Boot's names drop the colon.
	 */
	private static List<Problem> unbracketedHostKeys(Environment environment) {
		List<Problem> problems = new ArrayList<>();
		if (!(environment instanceof ConfigurableEnvironment configurable)) {
			return problems;
		}
		String hostsPrefix = RoundtripTransportProperties.PREFIX + ".hosts.";
		Set<String> reported = new LinkedHashSet<>();
		for (PropertySource<?> source : configurable.getPropertySources()) {
			if (!(source instanceof EnumerablePropertySource<?> enumerable)) {
				continue;
			}
			for (String name : enumerable.getPropertyNames()) {
				if (name.startsWith(hostsPrefix) && !name.startsWith(hostsPrefix + "[") && reported.add(name)) {
					String rest = name.substring(hostsPrefix.length());
					String example = (rest.indexOf(':') >= 0) ? hostOf(rest) : "host:port";
					problems.add(new Problem(name, origin(source, name),
							"a per-host key needs brackets around host:port: write " + hostsPrefix + "[" + example
									+ "].<setting>, such as " + hostsPrefix
									+ "[api.example.com:443].max-conns-per-host (in a .properties file with the"
									+ " colon escaped: [api.example.com\\:443]; in YAML quoted:"
									+ " \"[api.example.com:443]\")"));
				}
			}
		}
		return problems;
	}

	/** {@code api.example.com:443} of {@code api.example.com:443.max-conns-per-host}. */
	private static String hostOf(String rest) {
		int colon = rest.indexOf(':');
		int dot = rest.indexOf('.', colon);
		return (dot > 0) ? rest.substring(0, dot) : rest;
	}

	private static Problem unknown(String property, @Nullable String origin, ConfigurationPropertyName setting,
			Set<ConfigurationPropertyName> valid, String validPrefix) {
		String nearest = nearest(setting.toString(), valid);
		return new Problem(property, origin, "no such property, so it would be ignored"
				+ ((nearest != null) ? "; did you mean " + validPrefix + nearest + "?" : ""));
	}

	/** The valid name fewest edits away, if close enough to be a typo. */
	static @Nullable String nearest(String name, Collection<ConfigurationPropertyName> valid) {
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		for (ConfigurationPropertyName candidate : valid) {
			String text = candidate.toString();
			int distance = levenshtein(name.toLowerCase(Locale.ROOT), text);
			if (distance < bestDistance) {
				best = text;
				bestDistance = distance;
			}
		}
		return (best != null && bestDistance <= Math.max(2, name.length() / 3)) ? best : null;
	}

	static int levenshtein(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

	private static @Nullable String origin(@Nullable ConfigurationProperty property) {
		return (property != null && property.getOrigin() != null) ? property.getOrigin().toString() : null;
	}

	private static @Nullable String origin(Environment environment, String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			ConfigurationProperty found = source.getConfigurationProperty(name);
			if (found != null) {
				return origin(found);
			}
		}
		return null;
	}

	private static @Nullable String origin(PropertySource<?> source, String name) {
		Origin origin = Origin.from(source);
		if (source instanceof org.springframework.boot.origin.OriginLookup<?>) {
			@SuppressWarnings("unchecked")
			org.springframework.boot.origin.OriginLookup<String> lookup = (org.springframework.boot.origin.OriginLookup<String>) source;
			origin = lookup.getOrigin(name);
		}
		return (origin != null) ? origin.toString() : "property source '" + source.getName() + "'";
	}

	/** The names below {@code roundtrip.transport}, read off the properties classes. */
	private static final class Known {

		static final Known INSTANCE = new Known();

		/** Relative to {@code roundtrip.transport}; {@code hosts} entries apart. */
		final Set<ConfigurationPropertyName> transport = new LinkedHashSet<>();

		/** Relative to {@code roundtrip.transport.hosts.[host:port]}. */
		final Set<ConfigurationPropertyName> host = new LinkedHashSet<>();

		private Known() {
			collect(RoundtripTransportProperties.class, "", this.transport);
			collect(RoundtripMetricsProperties.class, "metrics.", this.transport);
			collect(RoundtripTransportProperties.Host.class, "", this.host);
		}

		private static void collect(Class<?> type, String prefix, Set<ConfigurationPropertyName> names) {
			for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
				if (descriptor.getReadMethod() == null || "class".equals(descriptor.getName())) {
					continue;
				}
				String name = prefix + dashed(descriptor.getName());
				Class<?> propertyType = descriptor.getPropertyType();
				if (Map.class.isAssignableFrom(propertyType)) {
					// hosts: checked entry by entry
					continue;
				}
				if (isLeaf(propertyType)) {
					names.add(ConfigurationPropertyName.of(name));
				}
				else {
					collect(ResolvableType.forMethodReturnType(descriptor.getReadMethod()).resolve(propertyType),
							name + ".", names);
				}
			}
		}

		private static boolean isLeaf(Class<?> type) {
			return BeanUtils.isSimpleValueType(type) || type == Duration.class || type == DataSize.class
					|| type == URI.class || Collection.class.isAssignableFrom(type) || type.isArray();
		}

		private static String dashed(String camelCase) {
			return camelCase.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
		}

	}

}
