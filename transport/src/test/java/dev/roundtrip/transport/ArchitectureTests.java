package dev.roundtrip.transport;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The transport's dependency rules (DESIGN section 1): it depends on the JDK only (and on
 * JSpecify's nullness annotations, which nothing needs at run time), never on Spring or
 * Micrometer; and its public API does not hand out internal types.
 */
class ArchitectureTests {

	private static JavaClasses transport;

	@BeforeAll
	static void importTransport() {
		transport = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("dev.roundtrip.transport");
	}

	@Test
	void transportDependsOnNeitherSpringNorMicrometer() {
		noClasses().that()
			.resideInAPackage("dev.roundtrip.transport..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "io.micrometer..")
			.check(transport);
	}

	@Test
	void transportDependsOnTheJdkOnly() {
		noClasses().that()
			.resideInAPackage("dev.roundtrip.transport..")
			.should()
			.dependOnClassesThat(outsideTheJdkAndTheTransport())
			.check(transport);
	}

	@Test
	void publicApiMethodsAndConstructorsDoNotExposeInternalTypes() {
		codeUnits().that()
			.areDeclaredInClassesThat(publicApiClass())
			.and()
			.arePublic()
			.should(notMentionInternalTypes())
			.check(transport);
	}

	@Test
	void publicApiFieldsAreNotOfInternalTypes() {
		fields().that()
			.areDeclaredInClassesThat(publicApiClass())
			.and()
			.arePublic()
			.should(new ArchCondition<JavaField>("not be of an internal type") {
				@Override
				public void check(JavaField field, ConditionEvents events) {
					if (isInternal(field.getRawType())) {
						events.add(SimpleConditionEvent.violated(field,
								field.getFullName() + " is of internal type " + field.getRawType().getName()));
					}
				}
			})
			.allowEmptyShould(true)
			.check(transport);
	}

	private static DescribedPredicate<JavaClass> publicApiClass() {
		return DescribedPredicate.describe("public classes of dev.roundtrip.transport",
				(javaClass) -> javaClass.getPackageName().equals("dev.roundtrip.transport")
						&& javaClass.getModifiers().contains(JavaModifier.PUBLIC)
						&& (!javaClass.isNestedClass() || javaClass.getModifiers().contains(JavaModifier.PUBLIC)));
	}

	private static DescribedPredicate<JavaClass> outsideTheJdkAndTheTransport() {
		return DescribedPredicate.describe("are outside the JDK and the transport", (javaClass) -> {
			JavaClass base = javaClass.isArray() ? javaClass.getBaseComponentType() : javaClass;
			if (base.isPrimitive()) {
				return false;
			}
			String name = base.getPackageName();
			// JSpecify's nullness annotations are the one exception: not needed at run
			// time.
			return !(name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
					|| name.equals("org.jspecify.annotations") || name.equals("dev.roundtrip.transport")
					|| name.startsWith("dev.roundtrip.transport."));
		});
	}

	private static ArchCondition<JavaCodeUnit> notMentionInternalTypes() {
		return new ArchCondition<>("not mention internal types in their signature") {
			@Override
			public void check(JavaCodeUnit codeUnit, ConditionEvents events) {
				if (isInternal(codeUnit.getRawReturnType())) {
					events.add(SimpleConditionEvent.violated(codeUnit,
							codeUnit.getFullName() + " returns internal " + codeUnit.getRawReturnType().getName()));
				}
				for (JavaClass parameter : codeUnit.getRawParameterTypes()) {
					if (isInternal(parameter)) {
						events.add(SimpleConditionEvent.violated(codeUnit,
								codeUnit.getFullName() + " takes internal " + parameter.getName()));
					}
				}
			}
		};
	}

	private static boolean isInternal(JavaClass type) {
		JavaClass base = type.isArray() ? type.getBaseComponentType() : type;
		return base.getPackageName().startsWith("dev.roundtrip.transport.internal");
	}

}
