{#- Person-grain incremental models. A person's rows in such a model depend only on that person's
    input rows and on the agreements, so a run re-derives exactly the persons whose inputs
    changed: every row stores the fingerprint of its person's inputs (an order-independent sum of
    row hashes), the pre-hook removes the stored rows of every person whose inputs now have
    another fingerprint or are gone, and the model derives every person left without rows.
    Fingerprinting reads the inputs once (a hash and a group by), far cheaper than the windows
    over every person's history it saves. -#}

{#- person_key and the fingerprint of that person's input rows: `inputs` is a list of
    {"relation": ..., "columns": [...]}, each input's rows hashed over its columns and its place in
    the list (so a row can't stand in for another input's). The pre-hook needs every person's;
    the model stores them only for the persons it derives (`persons_to_derive_only`), so on an
    incremental run it hashes the changed persons' rows, not every input row a second time.
    `persons`, when given, is a query of the only person_keys the model has rows for (e.g. the
    persons with an MQL): other persons' inputs are neither hashed nor derived again. -#}
{% macro person_inputs_fingerprints(inputs, persons_to_derive_only=false, persons=none) -%}
    select
        person_key,
        sum(row_hash) as inputs_fingerprint
    from (
        {%- for input in inputs %}
        select
            person_key,
            {{ revenue_funnel.row_hash([loop.index | string] + input.columns) }} as row_hash
        from {{ input.relation }} as fingerprinted_input
        where
            {{ revenue_funnel.persons_without_rows("fingerprinted_input")
                if persons_to_derive_only else "1 = 1" }}
            {%- if persons is not none %}
            and fingerprinted_input.person_key in ({{ persons }})
            {%- endif %}
        {{ "union all" if not loop.last }}
        {%- endfor %}
    ) as person_input_rows
    group by person_key
{%- endmacro %}


{#- Pre-hook: on incremental runs, delete the stored rows of every person whose inputs changed
    (`fingerprints_sql`, from person_inputs_fingerprints) and, when an agreement the rows were
    derived with changed, every row. `version`, when given, stands for the agreements' version
    (e.g. reference_tables_version). -#}
{% macro delete_persons_with_changed_inputs(fingerprints_sql, agreement_seeds, version=none) -%}
    {%- if is_incremental() -%}
        {%- set agreements = version if version is not none
            else revenue_funnel.agreements_version(agreement_seeds) -%}
        {%- set stored_columns = adapter.get_columns_in_relation(this)
            | map(attribute="name") | map("lower") | list -%}
        {%- if "inputs_fingerprint" not in stored_columns
            or "agreements_version" not in stored_columns -%}
            {#- Rows stored before the model was incremental by person: derive them again (the
                model's on_schema_change adds the columns). -#}
            delete from {{ this }}
        {%- elif revenue_funnel.agreements_changed(agreements) -%}
            delete from {{ this }}
        {%- else -%}
            delete from {{ this }} as stored
            where not exists (
                select 1
                from ({{ fingerprints_sql }}) as current_inputs
                where
                    current_inputs.person_key = stored.person_key
                    and current_inputs.inputs_fingerprint = stored.inputs_fingerprint
            )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- The filter that keeps only the input rows of persons the model must derive: all of them on
    a full build, on an incremental run those the pre-hook left without rows. -#}
{% macro persons_without_rows(input_alias) -%}
    {%- if is_incremental() -%}
        not exists (
            select 1 from {{ this }} as kept
            where kept.person_key = {{ input_alias }}.person_key
        )
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}


{#- A 64-bit hash of a row's `columns`, as a number whose sum can't overflow. -#}
{% macro row_hash(columns) -%}
    {{ return(adapter.dispatch("row_hash", "revenue_funnel")(columns)) }}
{%- endmacro %}


{% macro default__row_hash(columns) -%}
    cast(hash({{ columns | join(", ") }}) as hugeint)
{%- endmacro %}


{% macro postgres__row_hash(columns) -%}
    cast(('x' || left(md5(concat_ws(
        '|',
        {%- for column in columns %}
        coalesce(cast({{ column }} as text), '\N'){{ "," if not loop.last }}
        {%- endfor %}
    )), 16))::bit(64)::bigint as numeric)
{%- endmacro %}


{% macro spark__row_hash(columns) -%}
    cast(xxhash64({{ columns | join(", ") }}) as decimal(38, 0))
{%- endmacro %}


{#- int_lifecycle_stage_entries: a person's entries follow from their stage events alone (and
    the funnel_stages agreement). -#}
{% macro stage_entry_inputs_fingerprints(persons_to_derive_only=false) -%}
    {{ revenue_funnel.person_inputs_fingerprints([{
        "relation": ref("int_stage_events_unioned"),
        "columns": [
            "event_at", "stage_code", "source_system", "event_type", "source_record_id",
            "status_value", "owner_id", "crm_lead_id", "opportunity_id",
        ],
    }], persons_to_derive_only) }}
{%- endmacro %}


{#- int_lead_score_moments: a person's moments follow from their scoring activities (points and
    decay included, so an edited scoring rule changes the fingerprint) and their cycles. -#}
{% macro score_moment_inputs_fingerprints(persons_to_derive_only=false) -%}
    {{ revenue_funnel.person_inputs_fingerprints([
        {
            "relation": ref("int_lead_score_activities"),
            "columns": ["activity_at", "points", "decay_after_days"],
        },
        {
            "relation": ref("int_lead_cycles"),
            "columns": ["cycle_number", "mql_at", "cycle_ended_at"],
        },
    ], persons_to_derive_only) }}
{%- endmacro %}


{#- int_person_attributes_survived: a person's surviving values follow from their attribute
    candidates (and the survivorship_rules agreement). -#}
{% macro survived_attribute_inputs_fingerprints(persons_to_derive_only=false) -%}
    {{ revenue_funnel.person_inputs_fingerprints([{
        "relation": ref("int_person_attribute_candidates"),
        "columns": ["attribute_name", "source_system", "attribute_value", "updated_at"],
    }], persons_to_derive_only) }}
{%- endmacro %}


{#- int_person_attribute_candidates: a person's candidates follow from their source records (and,
    for contacts, their account's name and size). -#}
{% macro attribute_candidate_inputs_fingerprints(persons=none) -%}
    {%- set inputs = [] -%}
    {%- for source, attributes in revenue_funnel.person_attribute_sources().items() -%}
        {%- do inputs.append({
            "relation": "(" ~ revenue_funnel.person_attribute_records_of_persons(
                source, ref("int_persons_resolved")) ~ ")",
            "columns": ["record_id", "updated_at"] + attributes,
        }) -%}
    {%- endfor -%}
    {{ revenue_funnel.person_inputs_fingerprints(inputs, persons=persons) }}
{%- endmacro %}


{#- The version of the attribute lists int_person_attribute_candidates unpivots: a changed list
    re-derives everyone. -#}
{% macro attribute_candidates_version() -%}
    {{- return("attributes:" ~ local_md5(revenue_funnel.person_attribute_sources() | tojson)) -}}
{%- endmacro %}


{#- The version of reference tables whose every row can change many persons' rows (a renamed
    program): the fingerprint of each whole table, computed when the model runs. A model stores
    it as its agreements_version, so a change re-derives everyone. -#}
{% macro reference_tables_version(inputs) -%}
    {%- if not execute or not graph.get("nodes") -%}
        {{- return("") -}}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for input in inputs -%}
        {%- if adapter.get_relation(
            input.relation.database, input.relation.schema, input.relation.identifier
        ) is none -%}
            {#- Compiled without a warehouse (a linter): no version to read. -#}
            {{- return("") -}}
        {%- endif -%}
        {%- set total = run_query(
            "select coalesce(sum(" ~ revenue_funnel.row_hash(input.columns) ~ "), 0) from "
            ~ input.relation
        ).columns[0].values()[0] -%}
        {%- do parts.append(input.relation.identifier ~ ":" ~ total) -%}
    {%- endfor -%}
    {{- return(parts | join(",")) -}}
{%- endmacro %}


{#- int_handoff_engagement: a person's engagement follows from their attributed activities and
    their cycles; program and campaign names come from the conformed campaigns, and which system
    is the MAS of record from int_source_system_roles (reference tables). Only persons with an MQL
    have rows: `persons` defaults to them (the model passes the ones it derives), so the three
    in four persons who never reached MQL are neither fingerprinted nor derived on every run. -#}
{% macro handoff_engagement_inputs_fingerprints(persons=none) -%}
    {{ revenue_funnel.person_inputs_fingerprints([
        {
            "relation": ref("int_marketing_activities_attributed"),
            "columns": [
                "source_system", "activity_id", "activity_type", "source_activity_type",
                "asset_name", "new_value", "activity_at", "program_id", "campaign_id",
            ],
        },
        {
            "relation": ref("int_lead_cycles"),
            "columns": ["cycle_number", "mql_at", "cycle_ended_at"],
        },
    ], persons=persons if persons is not none else
        "select person_key from " ~ ref("int_lead_cycles") ~ " where mql_at is not null") }}
{%- endmacro %}


{% macro handoff_engagement_references_version() -%}
    {{- return(revenue_funnel.reference_tables_version([
        {
            "relation": ref("int_campaign_records"),
            "columns": ["source_system", "campaign_id", "campaign_name"],
        },
        {
            "relation": ref("int_source_system_roles"),
            "columns": ["source_system", "role", "is_of_record"],
        },
    ])) -}}
{%- endmacro %}
