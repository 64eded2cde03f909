package dev.roundtrip.spring.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.util.ClassUtils;

import dev.roundtrip.spring.actuate.RoundtripEndpoint;
import dev.roundtrip.transport.HostSettings;
import dev.roundtrip.transport.TransportSettings;

import static org.assertj.core.api.Assertions.assertThat;

/** What AOT-processed and native applications need to reach by reflection. */
class RoundtripRuntimeHintsTests {

	private final RuntimeHints hints = registered();

	@Test
	void isRegisteredInAotFactories() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)).hasAtLeastOneElementOfType(RoundtripRuntimeHints.class);
	}

	@Test
	void thePropertiesBindTheirNestedTypesAndPerHostEntries() throws NoSuchMethodException {
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(RoundtripTransportProperties.class, "setMaxConnsPerHost")).accepts(this.hints);
		assertThat(
				RuntimeHintsPredicates.reflection().onMethodInvocation(RoundtripTransportProperties.class, "getHosts"))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(RoundtripTransportProperties.Host.class.getDeclaredConstructor()))
			.accepts(this.hints);
		for (String setter : new String[] { "setMaxConnsPerHost", "setMaxIdleConnsPerHost", "setIdleConnTimeout",
				"setMaxConnLifetime", "setResponseHeaderTimeout" }) {
			assertThat(RuntimeHintsPredicates.reflection()
				.onMethodInvocation(RoundtripTransportProperties.Host.class, setter)).accepts(this.hints);
		}
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(RoundtripTransportProperties.DrainOnClose.class, "setMaxBytes")).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(RoundtripTransportProperties.Proxy.class, "setUrl")).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(RoundtripMetricsProperties.class, "setMaxDestinations")).accepts(this.hints);
	}

	@Test
	void theEndpointsResponsesAndTheSettingsItReadsAreReachable() {
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(TransportSettings.class, "maxConnsPerHost"))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(HostSettings.class, "maxConnsPerHost"))
			.accepts(this.hints);
		for (Class<?> type : RoundtripEndpoint.class.getDeclaredClasses()) {
			if (type.isRecord()) {
				assertThat(RuntimeHintsPredicates.reflection().onType(type)).as(type.getName()).accepts(this.hints);
				assertThat(RuntimeHintsPredicates.reflection()
					.onMethodInvocation(type, type.getRecordComponents()[0].getAccessor().getName())).as(type.getName())
					.accepts(this.hints);
			}
		}
	}

	@Test
	void theBoot41MembersReachedByReflectionAreReachableWhereTheyExist() throws Exception {
		ClassLoader classLoader = getClass().getClassLoader();
		String filter = "org.springframework.boot.http.client.InetAddressFilter";
		if (!ClassUtils.isPresent(filter, classLoader)) {
			return; // Boot 4.0: nothing to reach
		}
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(org.springframework.boot.http.client.HttpClientSettings.class, "inetAddressFilter"))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(org.springframework.boot.http.client.HttpClientSettings.class, "cookieHandling"))
			.accepts(this.hints);
		Class<?> filterType = ClassUtils.forName(filter, classLoader);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(filterType.getMethod("matches", java.net.InetAddress.class))).accepts(this.hints);
		Class<?> exception = ClassUtils.forName("org.springframework.boot.http.client.FilteredHostException",
				classLoader);
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(
					exception.getDeclaredConstructor(String.class, ClassUtils.forName(filter, classLoader))))
			.accepts(this.hints);
	}

	private static RuntimeHints registered() {
		RuntimeHints hints = new RuntimeHints();
		new RoundtripRuntimeHints().registerHints(hints, RoundtripRuntimeHintsTests.class.getClassLoader());
		return hints;
	}

}
