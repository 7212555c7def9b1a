"""The web app's entry point: a router. Each page is a file in app_pages/ (see README)."""
import streamlit as st

st.set_page_config(page_title="Coordination Advisor", page_icon=":material/hub:", layout="wide")

PAGES = {
    "Assess one workflow": [
        st.Page("app_pages/questionnaire.py", title="Questionnaire", icon=":material/checklist:", default=True),
        st.Page("app_pages/recommendation.py", title="Recommendation", icon=":material/recommend:"),
        st.Page("app_pages/diagram.py", title="Diagram", icon=":material/account_tree:"),
        st.Page("app_pages/export.py", title="Export & import", icon=":material/download:"),
    ],
    "Beyond one workflow": [
        st.Page("app_pages/portfolio.py", title="Portfolio", icon=":material/table_chart:"),
        st.Page("app_pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
        st.Page("app_pages/saved.py", title="Saved assessments", icon=":material/history:"),
    ],
    "Rulebook": [
        st.Page("app_pages/rules.py", title="Rules", icon=":material/rule:"),
    ],
}

st.navigation(PAGES).run()
