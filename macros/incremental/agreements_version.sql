{#- The agreements (seeds) an incremental model's rows were derived with, as one text value: the
    checksums dbt records for the seed files. An incremental model stores it on every row; when a
    steward changes one of those agreements, `agreements_changed` is true and the model
    reprocesses everything, so an edited mapping never leaves rows derived from the old one.
    Under unit tests `graph` is empty and the version is empty too. -#}
{% macro agreements_version(seed_names) -%}
    {%- if not execute or not graph.get("nodes") -%}
        {{- return("") -}}
    {%- endif -%}
    {%- set checksums = [] -%}
    {%- for seed_name in seed_names -%}
        {%- set node = graph.nodes.get("seed." ~ project_name ~ "." ~ seed_name) -%}
        {%- if node is none -%}
            {{ exceptions.raise_compiler_error("agreements_version: no seed named " ~ seed_name) }}
        {%- endif -%}
        {%- do checksums.append(seed_name ~ ":" ~ node.checksum.checksum[:16]) -%}
    {%- endfor -%}
    {{- return(checksums | join(",")) -}}
{%- endmacro %}


{#- True on an incremental run of a model whose stored rows carry another agreements version. -#}
{% macro agreements_changed(version) -%}
    {%- if not execute or not is_incremental() -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- set stale = run_query(
        "select count(*) from " ~ this ~ " where agreements_version <> '" ~ version ~ "'"
    ).columns[0].values()[0] -%}
    {{- return(stale > 0) -}}
{%- endmacro %}
