package dev.roundtrip.spring.autoconfigure;

import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every property reads back what was set through it: the unknown-key check and the
 * endpoint read the properties through their getters, so a getter that returned another
 * field would misreport a setting silently.
 */
class RoundtripTransportPropertiesTests {

	@Test
	void everyPropertyOfTheTransportReadsBackWhatWasSet() throws Exception {
		assertThat(roundTrip(new RoundtripTransportProperties())).hasSizeGreaterThan(25);
	}

	@Test
	void everyPropertyOfAHostReadsBackWhatWasSet() throws Exception {
		assertThat(roundTrip(new RoundtripTransportProperties.Host())).contains("poolWaitTimeout", "minIdleConns",
				"idleOrder", "unixSocket");
	}

	@Test
	void everyPropertyOfTheProxyAndTheDrainReadsBackWhatWasSet() throws Exception {
		RoundtripTransportProperties properties = new RoundtripTransportProperties();
		assertThat(roundTrip(properties.getProxy())).contains("url", "fromEnvironment", "nonProxyHosts");
		assertThat(roundTrip(properties.getDrainOnClose())).contains("maxBytes", "timeout");
	}

	private static List<String> roundTrip(Object bean) throws Exception {
		List<String> checked = new ArrayList<>();
		for (PropertyDescriptor property : Introspector.getBeanInfo(bean.getClass()).getPropertyDescriptors()) {
			if (property.getWriteMethod() == null || property.getReadMethod() == null) {
				continue;
			}
			Object value = sample(property.getPropertyType());
			property.getWriteMethod().invoke(bean, value);
			assertThat(property.getReadMethod().invoke(bean)).as(property.getName()).isEqualTo(value);
			checked.add(property.getName());
		}
		return checked;
	}

	private static Object sample(Class<?> type) {
		if (type == int.class || type == Integer.class) {
			return 7;
		}
		if (type == long.class || type == Long.class) {
			return 7L;
		}
		if (type == boolean.class || type == Boolean.class) {
			return true;
		}
		if (type == Duration.class) {
			return Duration.ofSeconds(3);
		}
		if (type == DataSize.class) {
			return DataSize.ofKilobytes(3);
		}
		if (type == URI.class) {
			return URI.create("http://proxy.test:3128");
		}
		if (type == String.class) {
			return "a.test";
		}
		if (type == Path.class) {
			return Path.of("sidecar.sock");
		}
		if (type.isEnum()) {
			Object[] constants = type.getEnumConstants();
			return constants[constants.length - 1];
		}
		throw new AssertionError("No sample value for " + type);
	}

}
